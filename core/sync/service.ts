import { HubError, isHubError } from '../errors/index.ts';
import { parseOrThrow } from '../errors/validation.ts';
import { logger } from '../log/logger.ts';
import { CHANGES_QUEUE, type ChangeBatch } from '../queue/outbox-relay.ts';
import type { QueueJob } from '../queue/port.ts';
import { RUN_INTERRUPTED, STREAM_BUSY } from '../queue/retry-policy.ts';
import type { Hub } from '../runtime/hub.ts';
import type { WorkerService } from '../runtime/worker.ts';
import { CONNECTION_PAUSED } from '../store/repos/connections.ts';
import { changeBatchSchema, deliverChanges, subscribeToChanges } from './change-subscribers.ts';
import { expireParked } from './parking.ts';
import { keepRunRefusedByPause, retireRunRequestJob } from './run-requests.ts';
import { endedByStop, runSync } from './run-sync.ts';
import { abandonUnleasedRuns, type SyncRun } from './runs.ts';
import { startScheduler } from './schedules.ts';
import { leaseRenewalMs, STREAM_LEASE_LOST } from './stream-lock.ts';
import { SYNC_RUNS_QUEUE, type SyncRunJob, syncRunJobSchema } from './sync-jobs.ts';
import {
  drainWindow,
  requestDrainsOfWaitingEvents,
  WEBHOOKS_QUEUE,
  type WebhookJob,
  webhookJobSchema,
} from './webhooks.ts';
import { routeChangesToTargets } from './write-targets.ts';
import { startWriteWorkers } from './write-workers.ts';

subscribeToChanges('outbound-sync', routeChangesToTargets);

const SWEEP_MS = 30_000;
/** How soon a run stopped by a shutdown is tried again, by another worker or the restarted one. */
const INTERRUPTED_RETRY_MS = 1_000;

/**
 * A schedule tick may be skipped when another run holds the stream: that run, or the next tick,
 * reads from the cursor. A run asked for by a webhook, the API ("run now", a full resync) or a
 * replay has no next tick: it must happen.
 */
const mayBeSkipped = (job: SyncRunJob) => job.reason === 'schedule';

const streamHeldElsewhere = (error: unknown): error is HubError =>
  isHubError(error) && (error.code === 'stream_busy' || error.code === STREAM_LEASE_LOST);

/**
 * Runs a queued sync job. A requested run that finds its stream held by another run (or loses it
 * to one) waits in the queue until the stream is free, and one a shutdown stopped runs again: both
 * without using up an attempt, since neither failed.
 */
async function runSyncJob(hub: Hub, job: QueueJob<SyncRunJob>, shutdown: AbortSignal): Promise<void> {
  let run: SyncRun;
  try {
    const asked = parseOrThrow(syncRunJobSchema, job.data, { what: 'sync run job', recordId: job.id });
    run = await runSync(hub, { ...asked, signal: shutdown });
  } catch (error) {
    if (!streamHeldElsewhere(error)) throw error;
    if (mayBeSkipped(job.data)) return;
    throw new HubError('transient', STREAM_BUSY, `${error.message}; the requested run waits for the stream`, {
      retryAfterMs: leaseRenewalMs(hub.env.HUB_STREAM_LEASE_MS),
      cause: error,
    });
  }
  if (!endedByStop(run) || mayBeSkipped(job.data)) return;
  const message = `${run.connectionId}/${run.stream}: run ${run.id} was stopped by a shutdown; it runs again`;
  throw new HubError('transient', RUN_INTERRUPTED, message, { retryAfterMs: INTERRUPTED_RETRY_MS });
}

/**
 * A webhook's run job that failed for good gives up its generation: later webhooks get a job of
 * their own. A run an operator or a replay asked for that a pause refused is kept for the resume.
 */
async function onSyncJobFailed(hub: Hub, job: QueueJob<SyncRunJob>, error: HubError): Promise<void> {
  logger.warn('sync run job failed', { ...job.data, jobId: job.id, error: error.message });
  if (job.data.reason === 'webhook')
    await retireRunRequestJob(hub.store.db, job.data.connectionId, job.data.stream);
  else if (error.code === CONNECTION_PAUSED && !mayBeSkipped(job.data))
    await keepRunRefusedByPause(hub.store.db, job.data);
}

/** The periodic housekeeping of a worker: parked records, abandoned runs, webhook events left waiting. */
function sweepOnce(hub: Hub): void {
  hub.store.db
    .transaction((tx) => expireParked(tx, hub.env.HUB_PENDING_REF_TIMEOUT_MS))
    .catch((error: unknown) => logger.warn('parked-record sweep failed', { error }));
  abandonUnleasedRuns(hub.store.db).catch((error: unknown) =>
    logger.warn('abandoned-run sweep failed', { error }),
  );
  // Events waiting a whole sweep interval have most likely lost their drain job.
  requestDrainsOfWaitingEvents(hub, SWEEP_MS).catch((error: unknown) =>
    logger.warn('waiting-webhook sweep failed', { error }),
  );
}

/** Starts the sync engine's consumers in a worker process. */
export async function startSyncServices(hub: Hub): Promise<WorkerService> {
  const changes = hub.queue.consume<ChangeBatch>(
    CHANGES_QUEUE,
    (job) =>
      deliverChanges(
        hub,
        parseOrThrow(changeBatchSchema, job.data, { what: 'change batch', recordId: job.id }),
      ),
    {
      concurrency: 1,
      // The batch's outbox rows are published: the failed job, kept by the queue, is what is left of it.
      onFailed: async (job, error) => {
        logger.error('change batch job failed', { jobId: job.id, error: error.message });
      },
    },
  );
  // Shutdown aborts the runs in flight: each stops after its current page and records its outcome.
  const shutdown = new AbortController();
  const runs = hub.queue.consume<SyncRunJob>(
    SYNC_RUNS_QUEUE,
    (job) => runSyncJob(hub, job, shutdown.signal),
    {
      concurrency: 2,
      onFailed: (job, error) => onSyncJobFailed(hub, job, error),
    },
  );
  // One drain at a time per process: a drain takes every waiting event, so more would only find none.
  const webhooks = hub.queue.consume<WebhookJob>(
    WEBHOOKS_QUEUE,
    (job) =>
      drainWindow(
        hub,
        parseOrThrow(webhookJobSchema, job.data, { what: 'webhook drain job', recordId: job.id }),
      ),
    {
      concurrency: 1,
      // Its events stay stored and waiting: the sweep queues another drain for them.
      onFailed: async (job, error) => {
        logger.warn('webhook drain job failed', { jobId: job.id, error: error.message });
      },
    },
  );
  const writers = startWriteWorkers(hub);
  const scheduler = startScheduler(hub);
  await Promise.all([writers.ready, scheduler.ready]);
  // Events stored while no worker ran, or whose drain jobs a previous process took with it.
  await requestDrainsOfWaitingEvents(hub).catch((error: unknown) =>
    logger.warn('could not queue drains of waiting webhook events', { error }),
  );
  const sweep = setInterval(() => sweepOnce(hub), SWEEP_MS);
  sweep.unref();
  return {
    name: 'sync',
    interrupt() {
      shutdown.abort();
      // No new run starts only to stop after its first page.
      runs.pause().catch(() => undefined);
    },
    async stop() {
      shutdown.abort();
      clearInterval(sweep);
      await scheduler.stop();
      await Promise.all([changes.close(), runs.close(), webhooks.close()]);
      await writers.stop();
    },
  };
}
