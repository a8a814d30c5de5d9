import type { Queryable } from '../../store/db.ts';
import { computeBlockingKeys } from '../match/blocking.ts';
import { extractFeatures } from '../match/features.ts';
import { ruleKey } from '../match/score.ts';
import { isMatchedEntity, type MatchedEntity, matcherConfigFor, matchInputOf } from './entity-matchers.ts';

/** Keys shared by more golden records than this (a common word) find no candidates on their own. */
const MAX_KEY_MEMBERS = 200;
/** Candidates scored per incoming record: those sharing the most keys. */
const MAX_CANDIDATES = 40;

/**
 * Index keys of one canonical body: the matcher's blocking keys plus its rule keys (a tax id, an
 * email, a SKU), so a record that agrees on a rule value is always among the candidates.
 */
export function indexKeysOf(entity: MatchedEntity, body: Record<string, unknown>): string[] {
  const config = matcherConfigFor(entity);
  const features = extractFeatures(matchInputOf(entity, '', body), config);
  const keys = computeBlockingKeys(features, config).map((key) => key.key);
  for (const rule of config.rules) {
    const key = ruleKey(features, rule);
    if (key !== null) keys.push(key);
  }
  return [...new Set(keys)];
}

/** Replaces the index keys of golden records after they were written. */
export async function indexGoldenRecords(
  db: Queryable,
  entity: string,
  records: ReadonlyArray<{ id: string; body: Record<string, unknown> }>,
): Promise<void> {
  if (!isMatchedEntity(entity) || records.length === 0) return;
  const rows = records.flatMap((record) =>
    indexKeysOf(entity, record.body).map((key) => ({ key, canonical_id: record.id })),
  );
  await removeFromIndex(
    db,
    records.map((record) => record.id),
  );
  if (rows.length === 0) return;
  await db.query(
    `INSERT INTO mdm_blocking_keys (entity, key, canonical_id)
     SELECT $2, key, canonical_id FROM jsonb_to_recordset($1::jsonb) AS k(key text, canonical_id uuid)
     ON CONFLICT DO NOTHING`,
    [JSON.stringify(rows), entity],
  );
}

export async function removeFromIndex(db: Queryable, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  await db.query('DELETE FROM mdm_blocking_keys WHERE canonical_id = ANY($1::uuid[])', [ids]);
}

/**
 * Candidate golden ids per key set, most shared keys first. Only live records count: merged and
 * deleted ones drop out here even if their keys are still indexed.
 */
export async function findCandidates(
  db: Queryable,
  entity: MatchedEntity,
  keySets: ReadonlyArray<ReadonlyArray<string>>,
): Promise<string[][]> {
  const allKeys = [...new Set(keySets.flat())];
  if (allKeys.length === 0) return keySets.map(() => []);
  const { rows } = await db.query<{ key: string; canonical_id: string }>(
    `WITH sizes AS (
       SELECT key FROM mdm_blocking_keys WHERE entity = $1 AND key = ANY($2::text[])
       GROUP BY key HAVING count(*) <= $3)
     SELECT b.key, b.canonical_id FROM mdm_blocking_keys b
       JOIN sizes USING (key)
       JOIN golden_records g ON g.id = b.canonical_id AND g.merged_into IS NULL AND NOT g.deleted
     WHERE b.entity = $1`,
    [entity, allKeys, MAX_KEY_MEMBERS],
  );
  const members = new Map<string, string[]>();
  for (const row of rows) {
    const list = members.get(row.key) ?? [];
    list.push(row.canonical_id);
    members.set(row.key, list);
  }
  return keySets.map((keys) => rankByKeys(keys, members));
}

/**
 * The candidates sharing the most keys, at most MAX_CANDIDATES; a key with more than
 * MAX_KEY_MEMBERS members (a common word) is ignored, so the work per record stays bounded.
 */
export function rankByKeys(keys: ReadonlyArray<string>, members: ReadonlyMap<string, ReadonlyArray<string>>): string[] {
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
