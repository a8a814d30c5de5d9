import { logger } from '../log/logger.ts';
import type { Consumer } from '../queue/port.ts';
import type { Hub } from '../runtime/hub.ts';
import type { ConnectionView } from '../store/repos/connections.ts';
import { releaseClaims } from './create-claims.ts';
import { recordFailure } from './failures.ts';
import { handleWriteJob } from './outbound.ts';
import { itemsNotWritten } from './write-results.ts';
import { type WriteJob, writeQueueName } from './write-targets.ts';

/** The options a consumer is built with: when they change, the consumer is built again. */
const consumerSettings = (connection: ConnectionView) =>
  JSON.stringify([connection.options.concurrency ?? 2, connection.options.rateLimit ?? null]);

/**
 * One write queue per target connection, consumed with that connection's rate limit and
 * concurrency. New connections, and connections whose rate limit or concurrency changed, get a
 * consumer within `refreshMs`.
 */
export function startWriteWorkers(hub: Hub, refreshMs = 2_000) {
  const consumers = new Map<string, { consumer: Consumer; settings: string }>();
  let stopped = false;

  const consumerFor = (connection: ConnectionView): Consumer => {
    const rateLimit = connection.options.rateLimit;
    return hub.queue.consume<WriteJob>(
      writeQueueName(connection.id),
      (job) => handleWriteJob(hub, job.data, job.id),
      {
        concurrency: connection.options.concurrency ?? 2,
        limiter: rateLimit ? { max: rateLimit.max, durationMs: rateLimit.perMs } : undefined,
        onFailed: async (job, error) => {
          await releaseClaims(hub.store.db, job.id);
          // Items this job (or a later one) did write are done: only the others failed.
          for (const item of await itemsNotWritten(hub.store.db, job.data)) {
            await recordFailure(hub.store.db, {
              connectionId: job.data.connectionId,
              stream: job.data.stream,
              direction: 'out',
              canonicalId: item.canonicalId,
              error,
              context: { attempts: job.attemptsMade + 1 },
            });
          }
        },
      },
    );
  };

  const refresh = async () => {
    const connections = await hub.store.connections.list();
    for (const connection of connections) {
      const settings = consumerSettings(connection);
      const running = consumers.get(connection.id);
      if (running?.settings === settings || stopped) continue;
      if (running) {
        consumers.delete(connection.id);
        // Finishes the jobs in flight under the old settings first.
        await running.consumer.close();
      }
      if (!stopped) consumers.set(connection.id, { consumer: consumerFor(connection), settings });
    }
  };

  let timer: NodeJS.Timeout | undefined;
  const loop = () => {
    timer = setTimeout(async () => {
      await refresh().catch((error: unknown) => logger.warn('write worker refresh failed', { error }));
      if (!stopped) loop();
    }, refreshMs);
  };
  const ready = refresh().then(loop);

  return {
    ready,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await Promise.all([...consumers.values()].map(({ consumer }) => consumer.close()));
    },
  };
}
