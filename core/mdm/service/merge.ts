import { randomUUID } from 'node:crypto';
import { HubError } from '../../errors/index.ts';
import type { Queryable } from '../../store/db.ts';
import { stableStringify } from '../../store/hash.ts';
import { appendChangeRows, type ChangeRow } from '../../store/repos/change-rows.ts';
import type { GoldenRecord } from '../../store/repos/golden.ts';
import { xrefsOf } from '../../store/repos/xref.ts';
import { indexGoldenRecords, removeFromIndex } from '../store/blocking-index.ts';
import {
  type GoldenState,
  lockGolden,
  orphanedRecords,
  requireGolden,
  writeGoldenState,
} from '../store/golden-rows.ts';
import {
  activeMergeOf,
  type GoldenSnapshot,
  getMerge,
  insertMerge,
  type MergeEntry,
  type MergeSnapshot,
  markUnmerged,
} from '../store/merge-history.ts';
import { composeGolden } from './golden-body.ts';
import { surviveRecords } from './survivorship.ts';

const MDM_SOURCE = 'mdm';

export interface MergeResult {
  mergeId: string;
  survivor: GoldenRecord;
  merged: GoldenRecord;
}

function changedFieldsOf(before: Record<string, unknown>, after: Record<string, unknown>): string[] {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...keys].filter((key) => stableStringify(before[key]) !== stableStringify(after[key])).sort();
}

function changeOf(record: GoldenRecord, state: GoldenState, operation: ChangeRow['operation']): ChangeRow {
  // A record left without live sources is logged as a source delete logs it.
  if (state.deleted)
    return {
      canonical_id: record.id,
      version: state.version,
      operation: 'delete',
      body: null,
      changed_fields: [],
    };
  return {
    canonical_id: record.id,
    version: state.version,
    operation,
    body: state.mergedInto ? null : state.body,
    changed_fields: state.mergedInto ? [] : changedFieldsOf(record.body, state.body),
  };
}

/** Refuses a merge that would give one connection two ids for one golden record, naming both. */
async function checkXrefs(db: Queryable, survivor: GoldenRecord, merged: GoldenRecord) {
  const [kept, moved] = await Promise.all([xrefsOf(db, survivor.id), xrefsOf(db, merged.id)]);
  for (const link of moved) {
    const clash = kept.find(
      (other) => other.connectionId === link.connectionId && other.externalId !== link.externalId,
    );
    if (clash) {
      throw new HubError(
        'conflict',
        'merge_two_ids_in_connection',
        `Cannot merge ${merged.id} into ${survivor.id}: connection ${link.connectionId} would hold two ids for one ${survivor.entity}: ${clash.externalId} and ${link.externalId}`,
        { details: { connectionId: link.connectionId, externalIds: [clash.externalId, link.externalId] } },
      );
    }
  }
  return moved;
}

/**
 * Merges `mergedId` into `survivorId` in the caller's transaction: the merged record's xrefs and
 * source records move to the survivor, whose golden body is recomputed by survivorship; the merged
 * id redirects. A snapshot in merge_history lets unmergeRecords undo it exactly.
 */
export async function mergeRecords(
  db: Queryable,
  input: { survivorId: string; mergedId: string; actor: string },
): Promise<MergeResult> {
  if (input.survivorId === input.mergedId)
    throw new HubError(
      'conflict',
      'merge_into_self',
      `Cannot merge golden record ${input.survivorId} into itself`,
    );
  const records = await lockGolden(db, [input.survivorId, input.mergedId]);
  const survivor = requireGolden(records, input.survivorId, 'survivorId');
  const merged = requireGolden(records, input.mergedId, 'mergedId');
  for (const [record, role] of [
    [survivor, 'survivorId'],
    [merged, 'mergedId'],
  ] as const) {
    if (record.mergedInto)
      throw new HubError(
        'conflict',
        'already_merged',
        `${record.id} was already merged into ${record.mergedInto}`,
        { fieldPath: role },
      );
    if (record.deleted)
      throw new HubError('conflict', 'record_deleted', `${record.id} is deleted`, { fieldPath: role });
  }
  if (survivor.entity !== merged.entity)
    throw new HubError(
      'invalid_data',
      'entity_mismatch',
      `Cannot merge a ${merged.entity} into a ${survivor.entity}`,
      { fieldPath: 'mergedId' },
    );
  const movedXrefs = await checkXrefs(db, survivor, merged);
  const { rows: movedSources } = await db.query<{
    connectionId: string;
    stream: string;
    externalId: string;
    contentHash: string;
  }>(
    `UPDATE source_records SET canonical_id = $2 WHERE canonical_id = $1
     RETURNING connection_id AS "connectionId", stream, external_id AS "externalId", content_hash AS "contentHash"`,
    [merged.id, survivor.id],
  );
  await db.query('UPDATE xref SET canonical_id = $2 WHERE canonical_id = $1', [merged.id, survivor.id]);

  const now = new Date().toISOString();
  const survived = (await surviveRecords(db, survivor.entity, [survivor.id])).get(survivor.id);
  const survivorState: GoldenState = {
    version: survivor.version + 1,
    ...(survived ? composeGolden(survivor, survived) : { body: survivor.body, lineage: survivor.lineage }),
    mergedInto: null,
    deleted: false,
  };
  const mergedState: GoldenState = {
    version: merged.version + 1,
    body: merged.body,
    lineage: merged.lineage,
    mergedInto: survivor.id,
    deleted: false,
  };
  await writeGoldenState(db, survivor, survivorState, now);
  await writeGoldenState(db, merged, mergedState, now);
  await indexGoldenRecords(db, survivor.entity, [{ id: survivor.id, body: survivorState.body }]);
  await removeFromIndex(db, [merged.id]);

  const snapshot: MergeSnapshot = {
    survivor: { id: survivor.id, version: survivor.version, body: survivor.body, lineage: survivor.lineage },
    merged: { id: merged.id, version: merged.version, body: merged.body, lineage: merged.lineage },
    survivorVersionAfter: survivorState.version,
    movedXrefs: movedXrefs.map((link) => ({ connectionId: link.connectionId, externalId: link.externalId })),
    movedSources,
  };
  const mergeId = randomUUID();
  await insertMerge(db, {
    id: mergeId,
    entity: survivor.entity,
    survivorId: survivor.id,
    mergedId: merged.id,
    snapshot,
    actor: input.actor,
  });
  await appendChangeRows(db, survivor.entity, MDM_SOURCE, [
    changeOf(survivor, survivorState, 'merge'),
    changeOf(merged, mergedState, 'merge'),
  ]);
  const after = await lockGolden(db, [survivor.id, merged.id]);
  return { mergeId, survivor: after.get(survivor.id)!, merged: after.get(merged.id)! };
}

/** True when every moved source record still has the content it had at the merge. */
async function sourcesUnchanged(db: Queryable, snapshot: MergeSnapshot, mergedId: string): Promise<boolean> {
  const { rows } = await db.query<{
    connection_id: string;
    stream: string;
    external_id: string;
    content_hash: string;
  }>(
    'SELECT connection_id, stream, external_id, content_hash FROM source_records WHERE canonical_id = $1 AND NOT deleted',
    [mergedId],
  );
  const now = new Map(
    rows.map((row) => [`${row.connection_id}\u0000${row.stream}\u0000${row.external_id}`, row.content_hash]),
  );
  return (
    now.size === snapshot.movedSources.length &&
    snapshot.movedSources.every(
      (s) => now.get(`${s.connectionId}\u0000${s.stream}\u0000${s.externalId}`) === s.contentHash,
    )
  );
}

/** Puts the xrefs and source records the merge moved back on the merged record. */
async function moveBack(db: Queryable, entry: MergeEntry): Promise<void> {
  const { snapshot } = entry;
  await db.query(
    `UPDATE xref x SET canonical_id = $2 FROM jsonb_to_recordset($3::jsonb) AS m("connectionId" text, "externalId" text)
     WHERE x.entity = $4 AND x.canonical_id = $1 AND x.connection_id = m."connectionId" AND x.external_id = m."externalId"`,
    [entry.survivorId, entry.mergedId, JSON.stringify(snapshot.movedXrefs), entry.entity],
  );
  await db.query(
    `UPDATE source_records s SET canonical_id = $2 FROM jsonb_to_recordset($3::jsonb) AS m("connectionId" text, stream text, "externalId" text)
     WHERE s.canonical_id = $1 AND s.connection_id = m."connectionId" AND s.stream = m.stream AND s.external_id = m."externalId"`,
    [entry.survivorId, entry.mergedId, JSON.stringify(snapshot.movedSources)],
  );
}

/** A record as an unmerge leaves it; `deletedBy` names the connection whose delete left it without sources. */
interface Restored {
  record: GoldenRecord;
  state: GoldenState;
  deletedBy?: string;
}

/**
 * The state both records go back to: the saved body and lineage, or one recomputed from their
 * sources when those changed since the merge. A record whose sources were all deleted meanwhile
 * comes back deleted, as the source delete would have left it had it never been merged.
 */
async function restoredStates(
  db: Queryable,
  entry: MergeEntry,
  survivor: GoldenRecord,
  merged: GoldenRecord,
): Promise<[Restored, Restored]> {
  const { snapshot } = entry;
  const ids = [survivor.id, merged.id];
  const recomputed = await surviveRecords(db, entry.entity, ids);
  const orphaned = await orphanedRecords(db, ids);
  const restore = (record: GoldenRecord, saved: GoldenSnapshot, keep: boolean): Restored => {
    const fresh = recomputed.get(record.id);
    const deletedBy = orphaned.get(record.id);
    const state: GoldenState = {
      version: record.version + 1,
      ...(keep || !fresh ? { body: saved.body, lineage: saved.lineage } : composeGolden(record, fresh)),
      mergedInto: null,
      deleted: deletedBy !== undefined,
    };
    return { record, state, ...(deletedBy ? { deletedBy } : {}) };
  };
  return [
    restore(survivor, snapshot.survivor, survivor.version === snapshot.survivorVersionAfter),
    restore(merged, snapshot.merged, await sourcesUnchanged(db, snapshot, merged.id)),
  ];
}

/** Live records go back into the matching index; deleted ones have no place there. */
async function reindexRestored(db: Queryable, entity: string, restored: Restored[]): Promise<void> {
  const live = restored.filter(({ state }) => !state.deleted);
  await indexGoldenRecords(
    db,
    entity,
    live.map(({ record, state }) => ({ id: record.id, body: state.body })),
  );
  await removeFromIndex(
    db,
    restored.filter(({ state }) => state.deleted).map(({ record }) => record.id),
  );
}

/**
 * An unmerge is logged as mdm's, except a record coming back deleted: its delete is logged as the
 * connection's whose delete it follows, so targets get it as they get a source delete, and that
 * connection is not sent its own delete back.
 */
async function appendUnmergeChanges(db: Queryable, entity: string, restored: Restored[]): Promise<void> {
  const bySource = new Map<string, ChangeRow[]>();
  for (const { record, state, deletedBy } of restored) {
    const source = deletedBy ?? MDM_SOURCE;
    bySource.set(source, [...(bySource.get(source) ?? []), changeOf(record, state, 'unmerge')]);
  }
  for (const [source, changes] of bySource) await appendChangeRows(db, entity, source, changes);
}

/**
 * Undoes a merge in the caller's transaction: the merged record's xrefs and source records go back
 * to it and both records get their bodies and lineage back (recomputed from their sources when
 * those changed since the merge); one whose sources were all deleted meanwhile comes back deleted.
 * Refused while the survivor itself is merged into another record.
 */
export async function unmergeRecords(
  db: Queryable,
  input: { mergeId: string; actor: string },
): Promise<MergeResult> {
  const entry = await getMerge(db, input.mergeId, { lock: true });
  if (!entry)
    throw new HubError('not_found', 'merge_not_found', `No merge ${input.mergeId}`, { fieldPath: 'mergeId' });
  if (entry.unmergedAt)
    throw new HubError(
      'conflict',
      'already_unmerged',
      `Merge ${entry.id} was already undone at ${entry.unmergedAt}`,
      { fieldPath: 'mergeId' },
    );
  const records = await lockGolden(db, [entry.survivorId, entry.mergedId]);
  const survivor = requireGolden(records, entry.survivorId, 'survivorId');
  const merged = requireGolden(records, entry.mergedId, 'mergedId');
  if (survivor.mergedInto) {
    const later = await activeMergeOf(db, survivor.id);
    throw new HubError(
      'conflict',
      'survivor_merged_since',
      `${survivor.id} was merged into ${survivor.mergedInto} since${later ? ` (merge ${later.id})` : ''}: unmerge that first`,
      { fieldPath: 'mergeId' },
    );
  }
  await moveBack(db, entry);
  const restored = await restoredStates(db, entry, survivor, merged);
  const now = new Date().toISOString();
  for (const { record, state } of restored) await writeGoldenState(db, record, state, now);
  await reindexRestored(db, entry.entity, restored);
  await markUnmerged(db, entry.id, input.actor, now);
  await db.query(
    `UPDATE mdm_matches SET state = 'rejected', decided_by = $2, decided_at = $3::timestamptz WHERE merge_id = $1`,
    [entry.id, input.actor, now],
  );
  await appendUnmergeChanges(db, entry.entity, restored);
  const after = await lockGolden(db, [survivor.id, merged.id]);
  return { mergeId: entry.id, survivor: after.get(survivor.id)!, merged: after.get(merged.id)! };
}
