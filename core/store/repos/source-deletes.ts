import { composeGolden } from '../../mdm/service/golden-body.ts';
import { surviveRecords } from '../../mdm/service/survivorship.ts';
import { indexGoldenRecords, removeFromIndex } from '../../mdm/store/blocking-index.ts';
import type { Queryable } from '../db.ts';
import { changedKeys } from '../hash.ts';
import { appendChangeRows } from './change-rows.ts';
import { type GoldenRecord, goldenByIds, insertGoldenRows } from './golden.ts';
import type { PageWrite, WrittenRecord } from './master-data.ts';
import { type IdMove, moveRecordIds } from './xref.ts';

type Replacement = NonNullable<PageWrite['replaced']>[number];

/**
 * The page's replaced ids: each record linked to an old id moves to the new one (moveRecordIds, as
 * for the hub's own amend), which the page then writes as that record. `held` is every old id's
 * link, read once the records it names are locked (as a merge locks them before it moves links);
 * only those links move, and `held` follows them. A chain (X replaced by Y, Y by Z) moves a step at
 * a time. A move that finds nothing to move (the hub moved it already, or never held the old id) or
 * the new id linked already does nothing; the old id is then a delete (markDeleted), which finds
 * nothing of a moved record.
 */
export async function followReplacements(
  tx: Queryable,
  page: PageWrite,
  held: Map<string, string>,
): Promise<void> {
  const scope = { entity: page.entity, connectionId: page.connectionId, stream: page.stream };
  for (const step of replacementSteps(page.replaced ?? [])) {
    const moves = movesOf(step, held);
    const moved = await moveRecordIds(tx, scope, moves);
    applyMoves(
      held,
      moves.filter((move) => moved.has(move.canonicalId)),
    );
  }
}

/**
 * The ids linked once the page's replacements are followed, as far as `held` (the links read
 * before the page locks anything) tells: a record whose id takes over a held old id's record is
 * not a new record, and is not matched.
 */
export function heldOnceReplaced(page: PageWrite, held: Map<string, string>): Set<string> {
  const after = new Map(held);
  for (const step of replacementSteps(page.replaced ?? [])) applyMoves(after, movesOf(step, after));
  return new Set(after.keys());
}

/** One step's moves: a held old id to a new id nothing holds (one move per new id). */
function movesOf(step: Replacement[], held: Map<string, string>): IdMove[] {
  const taken = new Set<string>();
  return step.flatMap(({ externalId, by }) => {
    const canonicalId = held.get(externalId);
    if (!canonicalId || held.has(by) || taken.has(by)) return [];
    taken.add(by);
    return [{ canonicalId, fromExternalId: externalId, externalId: by }];
  });
}

function applyMoves(held: Map<string, string>, moves: IdMove[]): void {
  for (const move of moves) {
    held.delete(move.fromExternalId);
    held.set(move.externalId, move.canonicalId);
  }
}

/** Replacements in steps, none before the one that replaces its old id (X by Y before Y by Z). */
function replacementSteps(replaced: Replacement[]): Replacement[][] {
  const steps: Replacement[][] = [];
  let left = replaced.filter(({ externalId, by }) => externalId !== by);
  while (left.length > 0) {
    const replacing = new Set(left.map(({ by }) => by));
    const step = left.filter(({ externalId }) => !replacing.has(externalId));
    // A cycle (ids taken back in turn) has no first step: it is not followed.
    if (step.length === 0) break;
    steps.push(step);
    left = left.filter(({ externalId }) => replacing.has(externalId));
  }
  return steps;
}

/**
 * A source delete marks the source record. The golden record goes when no live source is left;
 * otherwise its fields are decided again by the sources still there, so that nothing the deleted
 * source alone contributed stays in it. A replaced id is gone from the source too: its record
 * moved to the new id (followReplacements), unless it could not.
 */
export async function markDeleted(tx: Queryable, page: PageWrite, now: string): Promise<WrittenRecord[]> {
  const replaced = (page.replaced ?? []).map(({ externalId }) => externalId);
  const ids = [...(page.deletedExternalIds ?? []), ...replaced];
  if (ids.length === 0) return [];
  const { rows } = await tx.query<{ external_id: string; canonical_id: string }>(
    `UPDATE source_records SET deleted = true, updated_at = now()
     WHERE connection_id = $1 AND stream = $2 AND external_id = ANY($3::text[]) AND NOT deleted
     RETURNING external_id, canonical_id`,
    [page.connectionId, page.stream, ids],
  );
  const affected = [...new Set(rows.map((row) => row.canonical_id).filter(Boolean))];
  // Decided with the golden rows locked: two connections deleting the two sources of one record at
  // once would each, before the lock, still see the other's source live, and neither delete it.
  const current = await goldenByIds(tx, affected, { lock: true });
  const live = [...current.values()].filter((golden) => !golden.deleted && !golden.mergedInto);
  const versions = await deleteOrphans(tx, page, live, now);
  const kept = live.filter((golden) => !versions.has(golden.id));
  for (const [id, version] of await surviveWithoutDeleted(tx, page, kept, now)) versions.set(id, version);
  return rows.map((row) => ({
    externalId: row.external_id,
    canonicalId: row.canonical_id,
    version: versions.get(row.canonical_id) ?? 0,
    outcome: 'deleted',
    changedFields: [],
  }));
}

/**
 * Golden records left without a live source are deleted, as the hub logs any delete (change log
 * and outbox, for the targets), and leave the matching index; returns their new versions.
 */
async function deleteOrphans(
  tx: Queryable,
  page: PageWrite,
  live: GoldenRecord[],
  now: string,
): Promise<Map<string, number>> {
  if (live.length === 0) return new Map();
  const { rows: orphaned } = await tx.query<{ id: string; version: number }>(
    `UPDATE golden_records g SET deleted = true, version = version + 1, updated_at = $2::timestamptz
     WHERE g.id = ANY($1::uuid[]) AND NOT g.deleted
       AND NOT EXISTS (SELECT 1 FROM source_records s WHERE s.canonical_id = g.id AND NOT s.deleted)
     RETURNING id, version`,
    [live.map((golden) => golden.id), now],
  );
  await appendChangeRows(
    tx,
    page.entity,
    page.connectionId,
    orphaned.map((row) => ({
      canonical_id: row.id,
      version: row.version,
      operation: 'delete',
      body: null,
      changed_fields: [],
    })),
  );
  await removeFromIndex(
    tx,
    orphaned.map((row) => row.id),
  );
  return new Map(orphaned.map((row) => [row.id, row.version]));
}

/** Golden records that keep live sources, decided again by them; returns the new versions. */
async function surviveWithoutDeleted(
  tx: Queryable,
  page: PageWrite,
  records: GoldenRecord[],
  now: string,
): Promise<Map<string, number>> {
  if (records.length === 0) return new Map();
  const survived = await surviveRecords(
    tx,
    page.entity,
    records.map((golden) => golden.id),
  );
  const changed = records.flatMap((golden) => {
    const sources = survived.get(golden.id);
    if (!sources) return [];
    const next = composeGolden(golden, sources);
    const fields = changedKeys(golden.body, next.body);
    return fields.length > 0 ? [{ id: golden.id, version: golden.version + 1, next, fields }] : [];
  });
  if (changed.length === 0) return new Map();
  await insertGoldenRows(
    tx,
    { entity: page.entity, sourceSystem: page.connectionId, at: now },
    changed.map(({ id, version, next }) => ({
      id,
      version,
      body: next.body,
      lineage: next.lineage,
      minted: false,
    })),
  );
  await indexGoldenRecords(
    tx,
    page.entity,
    changed.map(({ id, next }) => ({ id, body: next.body })),
  );
  await appendChangeRows(
    tx,
    page.entity,
    page.connectionId,
    changed.map(({ id, version, next, fields }) => ({
      canonical_id: id,
      version,
      operation: 'update',
      body: next.body,
      changed_fields: fields,
    })),
  );
  return new Map(changed.map(({ id, version }) => [id, version]));
}
