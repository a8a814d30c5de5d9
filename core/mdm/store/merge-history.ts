import type { Queryable } from '../../store/db.ts';

export interface GoldenSnapshot {
  id: string;
  version: number;
  body: Record<string, unknown>;
  lineage: Record<string, unknown>;
}

/** Everything an unmerge needs to put both records back as they were. */
export interface MergeSnapshot {
  survivor: GoldenSnapshot;
  merged: GoldenSnapshot;
  /** The survivor's version right after the merge: if it moved on, its body is recomputed instead. */
  survivorVersionAfter: number;
  movedXrefs: Array<{ connectionId: string; externalId: string }>;
  movedSources: Array<{ connectionId: string; stream: string; externalId: string; contentHash: string }>;
}

export interface MergeEntry {
  id: string;
  entity: string;
  survivorId: string;
  mergedId: string;
  snapshot: MergeSnapshot;
  actor: string;
  mergedAt: string;
  unmergedAt: string | null;
  unmergedBy: string | null;
}

const COLUMNS = `id, entity, survivor_id AS "survivorId", merged_id AS "mergedId", snapshot, actor, merged_at AS "mergedAt",
  unmerged_at AS "unmergedAt", unmerged_by AS "unmergedBy"`;

export async function insertMerge(
  db: Queryable,
  entry: Pick<MergeEntry, 'id' | 'entity' | 'survivorId' | 'mergedId' | 'snapshot' | 'actor'>,
): Promise<void> {
  await db.query(
    `INSERT INTO merge_history (id, entity, survivor_id, merged_id, snapshot, actor) VALUES ($1, $2, $3, $4, $5::jsonb, $6)`,
    [entry.id, entry.entity, entry.survivorId, entry.mergedId, JSON.stringify(entry.snapshot), entry.actor],
  );
}

export async function getMerge(
  db: Queryable,
  id: string,
  options: { lock?: boolean } = {},
): Promise<MergeEntry | undefined> {
  const { rows } = await db.query<MergeEntry>(
    `SELECT ${COLUMNS} FROM merge_history WHERE id = $1${options.lock ? ' FOR UPDATE' : ''}`,
    [id],
  );
  return rows[0];
}

export async function markUnmerged(db: Queryable, id: string, actor: string, now: string): Promise<void> {
  await db.query('UPDATE merge_history SET unmerged_at = $2::timestamptz, unmerged_by = $3 WHERE id = $1', [
    id,
    now,
    actor,
  ]);
}

/** The live merge that absorbed a record, if any. */
export async function activeMergeOf(db: Queryable, mergedId: string): Promise<MergeEntry | undefined> {
  const { rows } = await db.query<MergeEntry>(
    `SELECT ${COLUMNS} FROM merge_history WHERE merged_id = $1 AND unmerged_at IS NULL ORDER BY merged_at DESC LIMIT 1`,
    [mergedId],
  );
  return rows[0];
}

/** Merges a record took part in, on either side, newest first. */
export async function mergesOf(db: Queryable, canonicalId: string): Promise<MergeEntry[]> {
  const { rows } = await db.query<MergeEntry>(
    `SELECT ${COLUMNS} FROM merge_history WHERE survivor_id = $1 OR merged_id = $1 ORDER BY merged_at DESC, id`,
    [canonicalId],
  );
  return rows;
}
