import { isHubError } from '../errors/index.ts';
import { logger } from '../log/logger.ts';
import { CHANGES_QUEUE, type ChangeBatch } from '../queue/outbox-relay.ts';
import type { Hub } from '../runtime/hub.ts';
import type { WorkerService } from '../runtime/worker.ts';
import { deliverChanges, subscribeToChanges } from './change-subscribers.ts';
import { expireParked } from './parking.ts';
import { runSync } from './run-sync.ts';
import { abandonUnleasedRuns } from './runs.ts';
import { startScheduler } from './schedules.ts';
import { SYNC_RUNS_QUEUE, type SyncRunJob } from './sync-jobs.ts';
import { drainWindow, WEBHOOKS_QUEUE, type WebhookJob } from './webhooks.ts';
import { routeChangesToTargets } from './write-targets.ts';
import { startWriteWorkers } from './write-workers.ts';

subscribeToChanges('outbound-sync', routeChangesToTargets);

/** Starts the sync engine's consumers in a worker process. */
export async function startSyncServices(hub: Hub): Promise<WorkerService> {
  const changes = hub.queue.consume<ChangeBatch>(CHANGES_QUEUE, (job) => deliverChanges(hub, job.data), {
    concurrency: 1,
  });
  // Shutdown aborts the runs in flight: each stops after its current page and records its outcome.
  const shutdown = new AbortController();
  const runs = hub.queue.consume<SyncRunJob>(
    SYNC_RUNS_QUEUE,
    async (job) => {
      try {
        await runSync(hub, { ...job.data, signal: shutdown.signal });
      } catch (error) {
        // Another worker holds the stream: this request is already being served.
        if (isHubError(error) && error.code === 'stream_busy') return;
        throw error;
      }
    },
    { concurrency: 2 },
  );
  // One drain at a time per process: a drain takes every waiting event, so more would only find none.
  const webhooks = hub.queue.consume<WebhookJob>(WEBHOOKS_QUEUE, (job) => drainWindow(hub, job.data), {
    concurrency: 1,
  });
  const writers = startWriteWorkers(hub);
  const scheduler = startScheduler(hub);
  await Promise.all([writers.ready, scheduler.ready]);
  const sweep = setInterval(() => {
    hub.store.db
      .transaction((tx) => expireParked(tx, hub.env.HUB_PENDING_REF_TIMEOUT_MS))
      .catch((error: unknown) => logger.warn('parked-record sweep failed', { error }));
    abandonUnleasedRuns(hub.store.db).catch((error: unknown) =>
      logger.warn('abandoned-run sweep failed', { error }),
    );
  }, 30_000);
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
