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
 */
const keyOf = (stream: string) => `run-request:${stream}`;
const NOW_MS = `(extract(epoch FROM clock_timestamp()) * 1000)::float8`;
/** Serves the stream's requests so far: later ones get a run job of their own. */
const NEXT_GENERATION = `SET value = jsonb_set(value, '{generation}', to_jsonb((value->>'generation')::int + 1)), updated_at = now()`;

async function enqueueRun(hub: Hub, connectionId: string, stream: string, generation: number) {
  const job: SyncRunJob = { connectionId, stream, reason: 'webhook' };
  await hub.queue.add(SYNC_RUNS_QUEUE, 'sync', job, {
    jobId: `run-${connectionId}-${stream}-g${generation}`,
  });
}

/** Asks for a run of the stream: one job per generation, however many webhooks ask. */
export async function requestRun(hub: Hub, connectionId: string, stream: string): Promise<void> {
  const { rows } = await hub.store.db.query<{ generation: number }>(
    `INSERT INTO connection_state (connection_id, key, value, updated_at)
     VALUES ($1, $2, jsonb_build_object('at', ${NOW_MS}, 'generation', 0), now())
     ON CONFLICT (connection_id, key) DO UPDATE
       SET value = jsonb_set(connection_state.value, '{at}', to_jsonb(${NOW_MS})), updated_at = now()
     RETURNING (value->>'generation')::int AS generation`,
    [connectionId, keyOf(stream)],
  );
  if (rows[0]) await enqueueRun(hub, connectionId, stream, rows[0].generation);
}

/** A run starting now serves every request made so far; returns the moment it took them. */
export async function takeRunRequests(db: Queryable, connectionId: string, stream: string): Promise<number> {
  // The database's clock, the one requests are stamped with, also when there is no request yet.
  const { rows } = await db.query<{ taken: number }>(
    `WITH bumped AS (
       UPDATE connection_state
       ${NEXT_GENERATION}
       WHERE connection_id = $1 AND key = $2 RETURNING 1)
     SELECT ${NOW_MS} AS taken FROM (SELECT count(*) FROM bumped) AS served`,
    [connectionId, keyOf(stream)],
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
  await db.query(`UPDATE connection_state ${NEXT_GENERATION} WHERE connection_id = $1 AND key = $2`, [
    connectionId,
    keyOf(stream),
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
  const { rows } = await hub.store.db.query<{ generation: number }>(
    `UPDATE connection_state
     ${NEXT_GENERATION}
     WHERE connection_id = $1 AND key = $2 AND (value->>'at')::float8 > $3
     RETURNING (value->>'generation')::int AS generation`,
    [connectionId, keyOf(stream), takenAt],
  );
  if (rows[0]) await enqueueRun(hub, connectionId, stream, rows[0].generation);
}
