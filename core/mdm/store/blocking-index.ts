import type { Queryable } from '../../store/db.ts';
import { computeBlockingKeys } from '../match/blocking.ts';
import type { MatchInputRecord } from '../match/config.ts';
import { matchFeaturesOf } from '../match/incremental.ts';
import { ruleKey } from '../match/score.ts';
import { isMatchedEntity, type MatchedEntity, matcherConfigFor, matchInputOf } from './entity-matchers.ts';
import { perEntity } from './per-entity.ts';

/** Keys shared by more golden records than this (a common word) find no candidates on their own. */
const MAX_KEY_MEMBERS = 50;
/** Candidates scored per incoming record: those sharing the most keys. */
const MAX_CANDIDATES = 12;

/**
 * Index keys of one canonical body: the matcher's blocking keys plus its rule keys (a tax id, an
 * email, a SKU), so a record that agrees on a rule value is always among the candidates. `input`,
 * the body's match input when the caller has one, shares its features with the scoring of that
 * input instead of extracting them a second time.
 */
export function indexKeysOf(
  entity: MatchedEntity,
  body: Record<string, unknown>,
  input?: MatchInputRecord,
): string[] {
  // A page asks for the keys of a body when matching it and again when indexing it once written.
  const cache = keyCache(entity);
  const cached = cache.get(body);
  if (cached) return cached;
  const keys = computeIndexKeys(entity, input ?? matchInputOf(entity, '', body));
  cache.set(body, keys);
  return keys;
}

const keyCache = perEntity(() => new WeakMap<Record<string, unknown>, string[]>());

function computeIndexKeys(entity: MatchedEntity, input: MatchInputRecord): string[] {
  const config = matcherConfigFor(entity);
  const features = matchFeaturesOf(input, config);
  const keys = computeBlockingKeys(features, config).map((key) => key.key);
  for (const rule of config.rules) {
    const key = ruleKey(features, rule);
    if (key !== null) keys.push(key);
  }
  return [...new Set(keys)];
}

/**
 * Replaces the index keys of golden records after they were written; `fresh` ones (new ids) have
 * none yet.
 * Keys known to be `saturated` are left out.
 */
export async function indexGoldenRecords(
  db: Queryable,
  entity: string,
  records: ReadonlyArray<{ id: string; body: Record<string, unknown>; fresh?: boolean }>,
  saturated: ReadonlySet<string> = new Set(),
): Promise<void> {
  if (!isMatchedEntity(entity) || records.length === 0) return;
  // A saturated key already has more members than a lookup reads: one more changes nothing.
  const rowsOf = (subset: typeof records) =>
    subset.flatMap((record) =>
      indexKeysOf(entity, record.body)
        .filter((key) => !saturated.has(key))
        .map((key) => ({ key, canonical_id: record.id })),
    );
  const stale = records.filter((record) => !record.fresh);
  await removeFromIndex(
    db,
    stale.map((record) => record.id),
  );
  // Keys of fresh records cannot be there yet: they need no conflict check.
  await insertKeys(db, entity, rowsOf(records.filter((record) => record.fresh)), '');
  await insertKeys(db, entity, rowsOf(stale), 'ON CONFLICT DO NOTHING');
}

async function insertKeys(
  db: Queryable,
  entity: string,
  rows: Array<{ key: string; canonical_id: string }>,
  onConflict: string,
): Promise<void> {
  if (rows.length === 0) return;
  await db.query(
    `INSERT INTO mdm_blocking_keys (entity, key, canonical_id)
     SELECT $3, key, canonical_id FROM unnest($1::text[], $2::uuid[]) AS k(key, canonical_id)
     ${onConflict}`,
    [rows.map((row) => row.key), rows.map((row) => row.canonical_id), entity],
  );
}

export async function removeFromIndex(db: Queryable, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  await db.query('DELETE FROM mdm_blocking_keys WHERE canonical_id = ANY($1::uuid[])', [ids]);
}

/** How long a process trusts a key it found saturated; deletes and merges may shrink it again. */
const SATURATED_TTL_MS = 10 * 60_000;
const SATURATED_LIMIT = 50_000;
/**
 * Saturated keys this process found lately, for lookups outside a run (webhook drains, replays),
 * which carry no run's knowledge: a common word is then not read again at every drain.
 */
const rememberedSaturated = perEntity(() => new Map<string, number>());

function isRememberedSaturated(entity: MatchedEntity, key: string, now: number): boolean {
  const seen = rememberedSaturated(entity);
  const until = seen.get(key);
  if (until === undefined) return false;
  if (until > now) return true;
  seen.delete(key);
  return false;
}

function rememberSaturated(entity: MatchedEntity, keys: Iterable<string>, now: number): void {
  const seen = rememberedSaturated(entity);
  for (const key of keys) {
    seen.delete(key);
    seen.set(key, now + SATURATED_TTL_MS);
  }
  // Oldest first: Map keeps insertion order.
  for (const key of seen.keys()) {
    if (seen.size <= SATURATED_LIMIT) break;
    seen.delete(key);
  }
}

export interface Candidates {
  /** Candidate golden ids per key set, most shared keys first. */
  perRecord: string[][];
  /** The current version of every candidate. */
  versions: Map<string, number>;
  /** Keys with more members than the cap (the given ones and those found now): they find nobody. */
  saturated: Set<string>;
}

/**
 * Candidate golden ids per key set, most shared keys first. Only live records count: merged and
 * deleted ones drop out here, before the cap and the ranking, even if their keys are still indexed.
 * Keys already known to be saturated (a common word), by the caller's run or lately by this
 * process, are not looked up again.
 */
export async function findCandidates(
  db: Queryable,
  entity: MatchedEntity,
  keySets: ReadonlyArray<ReadonlyArray<string>>,
  knownSaturated: ReadonlySet<string> = new Set(),
): Promise<Candidates> {
  const indexes: number[] = [];
  const keys: string[] = [];
  const now = Date.now();
  const saturated = new Set(knownSaturated);
  keySets.forEach((set, index) => {
    for (const key of set) {
      if (saturated.has(key)) continue;
      if (isRememberedSaturated(entity, key, now)) {
        saturated.add(key);
        continue;
      }
      indexes.push(index);
      keys.push(key);
    }
  });
  const perRecord = keySets.map((): string[] => []);
  const versions = new Map<string, number>();
  if (keys.length === 0) return { perRecord, versions, saturated };
  // Ranked in the database: each record gets its best candidates by shared keys, and only those
  // travel back. A key's live members are read once and only up to the cap, so a common key costs
  // the cap, not its size, and a key over the cap is dropped (and reported, to be skipped from then
  // on). Merged and deleted records are passed over inside the cap, so they neither fill a key nor
  // push a live candidate out of the ranking. Each key's members come back as one row (arrays and
  // their count): a key over the cap is then one row to drop, not a cap's worth of rows to sort.
  const { rows } = await db.query<{
    idx: number | null;
    canonical_id: string | null;
    version: number | null;
    saturated: string | null;
  }>(
    `WITH wanted AS (SELECT * FROM unnest($2::int[], $3::text[]) AS w(idx, key)),
     members AS (
       SELECT k.key, m.ids, m.versions, m.size
       FROM (SELECT DISTINCT key FROM wanted) k
       CROSS JOIN LATERAL (
         SELECT array_agg(live.canonical_id) AS ids, array_agg(live.version) AS versions, count(*) AS size
         FROM (
           SELECT b.canonical_id, g.version FROM mdm_blocking_keys b
           JOIN golden_records g ON g.id = b.canonical_id AND g.merged_into IS NULL AND NOT g.deleted
           WHERE b.entity = $1 AND b.key = k.key LIMIT $4 + 1) live) m
       WHERE m.size > 0),
     shared AS (
       SELECT w.idx, u.canonical_id, u.version, count(*) AS n
       FROM wanted w JOIN members m ON m.key = w.key AND m.size <= $4
       CROSS JOIN LATERAL unnest(m.ids, m.versions) AS u(canonical_id, version)
       GROUP BY w.idx, u.canonical_id, u.version),
     ranked AS (
       SELECT idx, canonical_id, version, row_number() OVER (PARTITION BY idx ORDER BY n DESC, canonical_id) AS rank FROM shared)
     SELECT idx, canonical_id::text AS canonical_id, version, rank, NULL::text AS saturated FROM ranked
     WHERE rank <= $5
     UNION ALL
     SELECT NULL::int, NULL::text, NULL::int, NULL::bigint, key FROM members WHERE size > $4
     ORDER BY 1, 4, 5`,
    [entity, indexes, keys, MAX_KEY_MEMBERS, MAX_CANDIDATES],
  );
  const found: string[] = [];
  for (const row of rows) {
    if (row.saturated !== null) found.push(row.saturated);
    else {
      perRecord[row.idx!]!.push(row.canonical_id!);
      versions.set(row.canonical_id!, row.version!);
    }
  }
  rememberSaturated(entity, found, now);
  for (const key of found) saturated.add(key);
  return { perRecord, versions, saturated };
}

/**
 * The candidates sharing the most keys, at most MAX_CANDIDATES; a key with more than
 * MAX_KEY_MEMBERS members (a common word) is ignored, so the work per record stays bounded.
 */
export function rankByKeys(
  keys: ReadonlyArray<string>,
  members: ReadonlyMap<string, ReadonlyArray<string>>,
): string[] {
  const shared = new Map<string, number>();
  for (const key of keys) {
    const ids = members.get(key) ?? [];
    if (ids.length > MAX_KEY_MEMBERS) continue;
    for (const id of ids) shared.set(id, (shared.get(id) ?? 0) + 1);
  }
  return [...shared.entries()]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, MAX_CANDIDATES)
    .map(([id]) => id);
}

/**
 * Rebuilds the index of one entity from its live golden records, a batch at a time (for records
 * written before the index existed, or after matcher configurations changed). Returns the count.
 */
export async function rebuildBlockingIndex(db: Queryable, entity: string, batchSize = 1000): Promise<number> {
  if (!isMatchedEntity(entity)) return 0;
  let after = '00000000-0000-0000-0000-000000000000';
  let total = 0;
  for (;;) {
    const { rows } = await db.query<{ id: string; body: Record<string, unknown> }>(
      `SELECT id, body FROM golden_records WHERE entity = $1 AND id > $2::uuid AND merged_into IS NULL AND NOT deleted
       ORDER BY id LIMIT $3`,
      [entity, after, batchSize],
    );
    if (rows.length === 0) return total;
    await indexGoldenRecords(db, entity, rows);
    total += rows.length;
    after = rows[rows.length - 1]!.id;
  }
}
