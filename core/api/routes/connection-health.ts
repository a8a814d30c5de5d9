import type { Queryable } from '../../store/db.ts';

export interface RunSummary {
  id: string;
  stream: string;
  status: string;
  /** Why a run is partial or failed (quota, stopped, failed records...). */
  statusReason: string | null;
  startedAt: string;
  finishedAt: string | null;
}

export interface ConnectionHealth {
  lastRun: RunSummary | null;
  openFailures: number;
  /** The last run of each stream that has run. */
  streams: Record<string, RunSummary>;
}

export const noHealth = (): ConnectionHealth => ({ lastRun: null, openFailures: 0, streams: {} });

/**
 * Each connection's last run, the last run of each of its streams and its count of open failures.
 * Each stream's last run is one read down the (connection, stream, started_at) index, so the cost
 * stays the same however many runs the hub has kept.
 */
export async function healthOf(
  db: Queryable,
  streamsOf: ReadonlyMap<string, readonly string[]>,
): Promise<Map<string, ConnectionHealth>> {
  const pairs = [...streamsOf].flatMap(([connectionId, streams]) =>
    streams.map((stream) => ({ connectionId, stream })),
  );
  const [runs, failures] = await Promise.all([
    db.query<RunSummary & { connectionId: string }>(
      `SELECT s.connection_id AS "connectionId", s.stream, r.id, r.status, r.status_reason AS "statusReason",
              r.started_at AS "startedAt", r.finished_at AS "finishedAt"
       FROM unnest($1::text[], $2::text[]) AS s(connection_id, stream)
       CROSS JOIN LATERAL (
         SELECT id, status, status_reason, started_at, finished_at FROM sync_runs
         WHERE connection_id = s.connection_id AND stream = s.stream
         ORDER BY started_at DESC LIMIT 1) r`,
      [pairs.map((pair) => pair.connectionId), pairs.map((pair) => pair.stream)],
    ),
    db.query<{ connection_id: string; n: number }>(
      `SELECT connection_id, count(*)::int AS n FROM failed_syncs WHERE state IN ('open', 'replayed') GROUP BY connection_id`,
    ),
  ]);
  const health = new Map<string, ConnectionHealth>();
  const entry = (id: string) => health.get(id) ?? health.set(id, noHealth()).get(id)!;
  for (const { connectionId, ...run } of runs.rows) {
    const connection = entry(connectionId);
    connection.streams[run.stream] = run;
    if (!connection.lastRun || new Date(run.startedAt) > new Date(connection.lastRun.startedAt))
      connection.lastRun = run;
  }
  for (const row of failures.rows) entry(row.connection_id).openFailures = row.n;
  return health;
}
