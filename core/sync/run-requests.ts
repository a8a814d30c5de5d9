import { randomBytes } from 'node:crypto';
import type { Hub } from '../runtime/hub.ts';
import type { Queryable } from '../store/db.ts';
import { SYNC_RUNS_QUEUE, type SyncRunJob } from './sync-jobs.ts';

/**
 * Runs asked for by webhooks that name a change but carry no record (HubSpot's): the stream must
 * be read again. A request is kept per stream with the time it was last made and a generation,
 * bumped when a run serves the requests. The queued run's id names the generation, so requests
 * before a run starts share one job, while a request made during or after a run gets a job of its
 * own instead of colliding with the id of a run that already finished. A job that finds its stream
 * busy waits in the queue (it is not done: no run has taken its requests), so requests made
 * meanwhile share it too.
 *
 * A request row goes with its connection (deleting one removes its state), so the generations of
 * a connection created again under the same id start again at 0, while the queue still keeps the
 * ids of the old connection's finished run jobs: an id naming only the generation would be taken
 * for one of those and the request dropped. So a row is made with a random lineage, named by its
 * job ids too: (lineage, generation) never repeats, and nothing outside the row needs to change.
 * A row kept from before lineages has none, and its job ids keep the form without one
 * (`run-<connection>-<stream>-g<generation>`), so requests share the job the older hub queued for
 * their generation; it gets a lineage when its generation moves on.
 */
const REQUEST_KEY_PREFIX = 'run-request:';
const keyOf = (stream: string) => `${REQUEST_KEY_PREFIX}${stream}`;
const NOW_MS = `(extract(epoch FROM clock_timestamp()) * 1000)::float8`;
const newLineage = () => randomBytes(6).toString('hex');
/**
 * Serves the stream's requests so far: later ones get a run job of their own. `fresh` (a
 * parameter) is the lineage a row made before lineages takes on with its next generation.
 */
const nextGeneration = (fresh: string) =>
  `SET value = value || jsonb_build_object(
     'generation', (value->>'generation')::int + 1,
     'lineage', coalesce(value->'lineage', to_jsonb(${fresh}::text))),
   updated_at = now()`;
const RETURNING_REQUEST = `RETURNING (value->>'generation')::int AS generation, value->>'lineage' AS lineage`;

interface RunRequest {
  generation: number;
  /** Null on a row kept from before lineages, until its generation moves on. */
  lineage: string | null;
}

async function enqueueRun(hub: Hub, connectionId: string, stream: string, request: RunRequest) {
  const job: SyncRunJob = { connectionId, stream, reason: 'webhook' };
  const lineage = request.lineage === null ? '' : `${request.lineage}-`;
  await hub.queue.add(SYNC_RUNS_QUEUE, 'sync', job, {
    jobId: `run-${connectionId}-${stream}-${lineage}g${request.generation}`,
  });
}

/** Asks for a run of the stream: one job per generation, however many webhooks ask. */
export async function requestRun(hub: Hub, connectionId: string, stream: string): Promise<void> {
  const { rows } = await hub.store.db.query<RunRequest>(
    `INSERT INTO connection_state (connection_id, key, value, updated_at)
     VALUES ($1, $2, jsonb_build_object('at', ${NOW_MS}, 'generation', 0, 'lineage', $3::text), now())
     ON CONFLICT (connection_id, key) DO UPDATE
       SET value = connection_state.value || jsonb_build_object('at', ${NOW_MS}), updated_at = now()
     ${RETURNING_REQUEST}`,
    [connectionId, keyOf(stream), newLineage()],
  );
  if (rows[0]) await enqueueRun(hub, connectionId, stream, rows[0]);
}

/** A run starting now serves every request made so far; returns the moment it took them. */
export async function takeRunRequests(db: Queryable, connectionId: string, stream: string): Promise<number> {
  // The database's clock, the one requests are stamped with, also when there is no request yet.
  const { rows } = await db.query<{ taken: number }>(
    `WITH bumped AS (
       UPDATE connection_state
       ${nextGeneration('$3')}
       WHERE connection_id = $1 AND key = $2 RETURNING 1)
     SELECT ${NOW_MS} AS taken FROM (SELECT count(*) FROM bumped) AS served`,
    [connectionId, keyOf(stream), newLineage()],
  );
  return rows[0]!.taken;
}

/**
 * A run job asked for by requests that failed for good (its stream gone, its mapping broken, the
 * database away for all its attempts) served none of them, but the queue keeps its id as a failed
 * job: the next generation gives a later request a job of its own instead of that spent id.
 */
export async function retireRunRequestJob(
  db: Queryable,
  connectionId: string,
  stream: string,
): Promise<void> {
  await db.query(`UPDATE connection_state ${nextGeneration('$3')} WHERE connection_id = $1 AND key = $2`, [
    connectionId,
    keyOf(stream),
    newLineage(),
  ]);
}

/**
 * A request made while the run was reading may concern a change the run had already read past:
 * the stream is read once more, under a new generation.
 */
export async function rerunIfRequestedSince(
  hub: Hub,
  connectionId: string,
  stream: string,
  takenAt: number,
): Promise<void> {
  const { rows } = await hub.store.db.query<RunRequest>(
    `UPDATE connection_state
     ${nextGeneration('$4')}
     WHERE connection_id = $1 AND key = $2 AND (value->>'at')::float8 > $3
     ${RETURNING_REQUEST}`,
    [connectionId, keyOf(stream), takenAt, newLineage()],
  );
  if (rows[0]) await enqueueRun(hub, connectionId, stream, rows[0]);
}

const REFUSED_KEY_PREFIX = 'paused-run:';

/**
 * Keeps a run an operator or a replay asked for (a full resync, say) that was refused because its
 * connection was paused by the time a worker took it: the resume queues it again. Several refused
 * runs of a stream make one, a full one if any was full. Schedule ticks need no keeping (the next
 * tick runs), nor webhook runs (their requests are kept already).
 */
export async function keepRunRefusedByPause(db: Queryable, job: SyncRunJob): Promise<void> {
  await db.query(
    `INSERT INTO connection_state (connection_id, key, value, updated_at)
     VALUES ($1, $2, jsonb_build_object('full', $3::boolean, 'reason', $4::text), now())
     ON CONFLICT (connection_id, key) DO UPDATE
       SET value = jsonb_build_object('full', coalesce((connection_state.value->>'full')::boolean, false) OR $3,
                                      'reason', $4::text),
           updated_at = now()`,
    [job.connectionId, `${REFUSED_KEY_PREFIX}${job.stream}`, job.full === true, job.reason ?? 'api'],
  );
}

/** Queues again the runs kept by keepRunRefusedByPause, then forgets them; answers their streams. */
async function requeueRefusedRuns(hub: Hub, connectionId: string): Promise<string[]> {
  const { rows } = await hub.store.db.query<{ key: string; full: boolean | null; reason: string | null }>(
    `SELECT key, (value->>'full')::boolean AS full, value->>'reason' AS reason FROM connection_state
     WHERE connection_id = $1 AND starts_with(key, $2) ORDER BY key`,
    [connectionId, REFUSED_KEY_PREFIX],
  );
  for (const row of rows) {
    const stream = row.key.slice(REFUSED_KEY_PREFIX.length);
    const job: SyncRunJob = { connectionId, stream, full: row.full === true, reason: row.reason ?? 'api' };
    await hub.queue.add(SYNC_RUNS_QUEUE, 'sync', job);
  }
  // Only once queued: a queue that failed leaves them kept for the next resume request.
  await hub.store.db.query(
    'DELETE FROM connection_state WHERE connection_id = $1 AND key = ANY($2::text[])',
    [connectionId, rows.map((row) => row.key)],
  );
  return rows.map((row) => row.key.slice(REFUSED_KEY_PREFIX.length));
}

/**
 * Asks again for the runs refused while the connection was paused: every stream webhooks have
 * asked runs for, read from its cursor, and the runs an operator or a replay asked for (kept by
 * keepRunRefusedByPause, full ones full again). Answers the streams.
 */
export async function requestRunsAgain(hub: Hub, connectionId: string): Promise<string[]> {
  const { rows } = await hub.store.db.query<{ key: string }>(
    'SELECT key FROM connection_state WHERE connection_id = $1 AND starts_with(key, $2) ORDER BY key',
    [connectionId, REQUEST_KEY_PREFIX],
  );
  const streams = rows.map((row) => row.key.slice(REQUEST_KEY_PREFIX.length));
  for (const stream of streams) await requestRun(hub, connectionId, stream);
  const refused = await requeueRefusedRuns(hub, connectionId);
  return [...new Set([...streams, ...refused])].sort();
}
