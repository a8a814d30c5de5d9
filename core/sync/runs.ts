import { randomUUID } from 'node:crypto';
import type { Cursor } from '../connector/types.ts';
import type { Queryable } from '../store/db.ts';

/**
 * read + released = created + updated + unchanged + echo + pending + failed, where released counts
 * records an earlier run or webhook drain had parked and this one wrote.
 */
export interface RunCounts {
  read: number;
  released: number;
  created: number;
  updated: number;
  unchanged: number;
  echo: number;
  deleted: number;
  pending: number;
  failed: number;
}

export const emptyCounts = (): RunCounts => ({
  read: 0,
  released: 0,
  created: 0,
  updated: 0,
  unchanged: 0,
  echo: 0,
  deleted: 0,
  pending: 0,
  failed: 0,
});

/** partial: stopped early but cleanly (quota, rate limit, a stop signal), or finished with failed records or schema drift. */
export type RunStatus = 'running' | 'succeeded' | 'partial' | 'failed' | 'abandoned';

export interface SyncRun {
  id: string;
  connectionId: string;
  stream: string;
  mode: 'incremental' | 'full' | 'webhook';
  status: RunStatus;
  statusReason: string | null;
  counts: RunCounts;
  cursorBefore: Cursor | null;
  cursorAfter: Cursor | null;
  mappingVersion: string | null;
  schemaDrift: { added?: string[]; removed?: string[] };
  error: string | null;
  startedAt: string;
  finishedAt: string | null;
  durationMs: number | null;
}

const columns = `id, connection_id AS "connectionId", stream, mode, status, status_reason AS "statusReason", counts,
  cursor_before AS "cursorBefore", cursor_after AS "cursorAfter", mapping_version AS "mappingVersion",
  schema_drift AS "schemaDrift", error, started_at AS "startedAt", finished_at AS "finishedAt",
  round(extract(epoch from (coalesce(finished_at, now()) - started_at)) * 1000)::float8 AS "durationMs"`;

export async function startRun(
  db: Queryable,
  run: {
    connectionId: string;
    stream: string;
    mode: SyncRun['mode'];
    cursorBefore?: Cursor;
    mappingVersion?: string;
  },
): Promise<string> {
  const id = randomUUID();
  await db.query(
    `INSERT INTO sync_runs (id, connection_id, stream, mode, status, counts, cursor_before, mapping_version)
     VALUES ($1, $2, $3, $4, 'running', $5, $6, $7)`,
    [
      id,
      run.connectionId,
      run.stream,
      run.mode,
      JSON.stringify(emptyCounts()),
      JSON.stringify(run.cursorBefore ?? null),
      run.mappingVersion ?? null,
    ],
  );
  return id;
}

/** Saved with every committed page, so a crashed run still shows how far it got. */
export async function saveRunProgress(
  db: Queryable,
  id: string,
  counts: RunCounts,
  cursorAfter: Cursor | undefined,
): Promise<void> {
  await db.query('UPDATE sync_runs SET counts = $2, cursor_after = $3 WHERE id = $1', [
    id,
    JSON.stringify(counts),
    JSON.stringify(cursorAfter ?? null),
  ]);
}

/**
 * Records a run's outcome, only while it is still 'running': a run marked abandoned meanwhile (its
 * lease lapsed and another worker took the stream over) keeps that status.
 */
export async function finishRun(
  db: Queryable,
  id: string,
  outcome: {
    status: RunStatus;
    reason?: string;
    counts: RunCounts;
    error?: string;
    schemaDrift?: SyncRun['schemaDrift'];
  },
): Promise<void> {
  await db.query(
    `UPDATE sync_runs SET status = $2, status_reason = $3, counts = $4, error = $5, schema_drift = $6, finished_at = now()
     WHERE id = $1 AND status = 'running'`,
    [
      id,
      outcome.status,
      outcome.reason ?? null,
      JSON.stringify(outcome.counts),
      outcome.error ?? null,
      JSON.stringify(outcome.schemaDrift ?? {}),
    ],
  );
}

const abandonRunning = `UPDATE sync_runs SET status = 'abandoned', status_reason = 'the process running it stopped', finished_at = now()
  WHERE status = 'running'`;

/** Runs left 'running' by a process that died are marked abandoned when the stream runs again. */
export async function abandonStaleRuns(db: Queryable, connectionId: string, stream: string): Promise<void> {
  await db.query(`${abandonRunning} AND connection_id = $1 AND stream = $2`, [connectionId, stream]);
}

/**
 * Runs whose stream lease has expired: every run holds its stream's lease until it has recorded
 * its outcome, so a 'running' run without a live lease belongs to a process that died. A lease
 * counts for its grace (one renewal interval) past its end: a renewal that comes late is not a
 * dead process, and the stream is still taken over as soon as the lease itself ends.
 */
export async function abandonUnleasedRuns(db: Queryable): Promise<void> {
  await db.query(
    `${abandonRunning} AND NOT EXISTS (SELECT 1 FROM stream_locks lease WHERE lease.connection_id = sync_runs.connection_id
       AND lease.stream = sync_runs.stream AND lease.expires_at + lease.grace_ms * interval '1 millisecond' >= now())`,
  );
}

export async function getRun(db: Queryable, id: string): Promise<SyncRun | undefined> {
  const { rows } = await db.query<SyncRun>(`SELECT ${columns} FROM sync_runs WHERE id = $1`, [id]);
  return rows[0];
}

/** Newest first; runs started at the same instant by id, so that pages neither skip nor repeat them. */
export async function listRuns(
  db: Queryable,
  filter: { connectionId?: string; stream?: string; status?: string },
  page = { limit: 50, offset: 0 },
) {
  const params = [filter.connectionId ?? null, filter.stream ?? null, filter.status ?? null];
  const where =
    'WHERE ($1::text IS NULL OR connection_id = $1) AND ($2::text IS NULL OR stream = $2) AND ($3::text IS NULL OR status = $3)';
  const [items, total] = await Promise.all([
    db.query<SyncRun>(
      `SELECT ${columns} FROM sync_runs ${where} ORDER BY started_at DESC, id DESC LIMIT $4 OFFSET $5`,
      [...params, page.limit, page.offset],
    ),
    db.query<{ count: number }>(`SELECT count(*)::int AS count FROM sync_runs ${where}`, params),
  ]);
  return { items: items.rows, total: total.rows[0]?.count ?? 0 };
}
