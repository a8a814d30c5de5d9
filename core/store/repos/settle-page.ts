import { HubError } from '../../errors/index.ts';
import type { Queryable } from '../db.ts';
import { type GoldenRecord, goldenByIds } from './golden.ts';
import type { IncomingRecord, PageWrite } from './master-data.ts';
import { followReplacements } from './source-deletes.ts';
import { canonicalIdsFor, externalIdsFor } from './xref.ts';

/** Merges chain (A into B, B into C): how far a page follows them before it gives up. */
const MAX_MERGE_HOPS = 10;

/** The live record that `id` was merged into (through a chain of merges), locked; undefined if none. */
async function lockSurvivor(
  db: Queryable,
  id: string,
  golden: Map<string, GoldenRecord>,
): Promise<GoldenRecord | undefined> {
  let record = golden.get(id);
  for (let hops = 0; record?.mergedInto && hops < MAX_MERGE_HOPS; hops++) {
    const next = record.mergedInto;
    record = golden.get(next) ?? (await goldenByIds(db, [next], { lock: true })).get(next);
    if (record) golden.set(record.id, record);
  }
  return record?.mergedInto ? undefined : record;
}

/**
 * A golden record matched before the transaction may have been merged away since (a steward
 * merged it while the page was prepared): the record joins the survivor instead, unless this
 * connection already holds an id there, in which case it gets a golden record of its own.
 */
export async function redirectMergedMatches(
  db: Queryable,
  page: PageWrite,
  matched: Map<string, string>,
  golden: Map<string, GoldenRecord>,
): Promise<void> {
  for (const [externalId, id] of matched) {
    if (!golden.get(id)?.mergedInto) continue;
    const survivor = await lockSurvivor(db, id, golden);
    const held = survivor
      ? await externalIdsFor(db, page.entity, page.connectionId, [survivor.id])
      : new Map<string, string>();
    if (!survivor || held.size > 0 || survivor.deleted) matched.delete(externalId);
    else matched.set(externalId, survivor.id);
  }
}

/**
 * The page read its xrefs before matching and locking: a steward's merge (or unmerge) committed in
 * between has moved some of them to another golden record. Once the locks are held the xrefs are
 * read again, and the records they now name are locked too, until nothing moves; the locks then
 * keep them where they are until the page commits.
 */
export async function settleKnown(
  db: Queryable,
  page: PageWrite,
  known: Map<string, string>,
  golden: Map<string, GoldenRecord>,
): Promise<void> {
  if (known.size === 0) return;
  const asked = new Set(golden.keys());
  for (let round = 0; round < MAX_MERGE_HOPS; round++) {
    const now = await canonicalIdsFor(db, page.entity, page.connectionId, [...known.keys()]);
    for (const [externalId, id] of now) known.set(externalId, id);
    const moved = [...new Set(now.values())].filter((id) => !asked.has(id));
    if (moved.length === 0) return;
    for (const id of moved) asked.add(id);
    for (const [id, record] of await goldenByIds(db, moved, { lock: true })) golden.set(id, record);
  }
  throw new HubError(
    'transient',
    'xrefs_moving',
    `${page.entity} records of ${page.connectionId} kept moving between golden records (merges) while the page was written`,
  );
}

/**
 * The page's records linked as they are once its replaced ids are followed (followReplacements),
 * with the golden records of `held` (the records' and the replaced ids' links) locked and settled:
 * the links move in the order merges take, golden record first, and a merge committed meanwhile
 * has its survivor take the new id. A record expected to take over a replaced id's record (so not
 * matched) that is still not linked lost it to a write of the hub's meanwhile: the page is retried.
 */
export async function settleReplacements(
  db: Queryable,
  page: PageWrite,
  state: { held: Map<string, string>; golden: Map<string, GoldenRecord>; unknown: IncomingRecord[] },
): Promise<Map<string, string>> {
  if (!page.replaced?.length) return state.held;
  await followReplacements(db, page, state.held);
  const externalIds = page.records.map((record) => record.externalId);
  const known = await canonicalIdsFor(db, page.entity, page.connectionId, externalIds);
  await settleKnown(db, page, known, state.golden);
  const matching = new Set(state.unknown.map((record) => record.externalId));
  const lost = externalIds.find((id) => !known.has(id) && !matching.has(id));
  if (lost)
    throw new HubError(
      'transient',
      'replaced_id_moved',
      `${page.entity} ${lost} of ${page.connectionId}: the record of the id it replaced moved while the page was written`,
    );
  return known;
}
