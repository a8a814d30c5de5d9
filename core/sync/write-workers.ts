import type { HubError } from '../errors/index.ts';
import { parseOrThrow } from '../errors/validation.ts';
import { logger } from '../log/logger.ts';
import type { Consumer } from '../queue/port.ts';
import type { Hub } from '../runtime/hub.ts';
import {
  type ConnectionSummary,
  checkedConnectionPart,
  writeQueueOptionsSchema,
} from '../store/repos/connections.ts';
import { releaseClaims } from './create-claims.ts';
import { recordFailure } from './failures.ts';
import { handleWriteJob } from './outbound.ts';
import { itemsNotWritten, unwrittenIdsOf } from './write-results.ts';
import { type WriteJob, writeJobSchema, writeQueueName } from './write-targets.ts';

/**
 * The items a job that gave up leaves unwritten, and whose failure it has not filed itself: those
 * its error names, when it names them. Of those, items a later job did write are done: only the
 * others failed. A replay (forced) sends again what an earlier write may have recorded: none of it
 * got through.
 */
async function itemsFailed(hub: Hub, job: WriteJob, error: HubError): Promise<WriteJob['items']> {
  const named = unwrittenIdsOf(error);
  const unwritten = named && new Set(named);
  const items = unwritten ? job.items.filter((item) => unwritten.has(item.canonicalId)) : job.items;
  return job.force ? items : itemsNotWritten(hub.store.db, { ...job, items });
}

/** The options a consumer is built with: when they change, the consumer is built again. */
const consumerSettings = (connection: ConnectionSummary) =>
  JSON.stringify([connection.options.concurrency ?? 2, connection.options.rateLimit ?? null]);

/**
 * One write queue per target connection, consumed with that connection's rate limit and
 * concurrency. New connections, and connections whose rate limit or concurrency changed, get a
 * consumer within `refreshMs`; a deleted or paused connection's consumer (on BullMQ a worker
 * holding a Redis connection) stops taking jobs within `refreshMs` in every process, whichever one
 * served the delete or the pause, and is closed once its jobs in flight have ended.
 */
export function startWriteWorkers(hub: Hub, refreshMs = 2_000) {
  const consumers = new Map<string, { consumer: Consumer; settings: string }>();
  /** Consumers out of `consumers` whose jobs in flight are finishing: stop() waits for them too. */
  const closing = new Set<Promise<void>>();
  let stopped = false;

  /** Takes the connection's consumer out of service; resolves once its jobs in flight have ended. */
  const closeConsumer = async (connectionId: string) => {
    const running = consumers.get(connectionId);
    if (!running) return;
    consumers.delete(connectionId);
    const closed = running.consumer.close();
    closing.add(closed);
    try {
      await closed;
    } finally {
      closing.delete(closed);
    }
  };

  const consumerFor = (connection: ConnectionSummary): Consumer => {
    const { concurrency, rateLimit } = checkedConnectionPart(
      writeQueueOptionsSchema,
      connection.options,
      connection.id,
      'options',
    );
    return hub.queue.consume<WriteJob>(
      writeQueueName(connection.id),
      (job) =>
        handleWriteJob(
          hub,
          parseOrThrow(writeJobSchema, job.data, { what: 'write job', recordId: job.id }),
          job.id,
        ),
      {
        concurrency: concurrency ?? 2,
        limiter: rateLimit ? { max: rateLimit.max, durationMs: rateLimit.perMs } : undefined,
        onFailed: async (job, error) => {
          await releaseClaims(hub.store.db, job.id);
          // A job whose data is not a write job names no record to file: the queue keeps it, failed.
          if (!writeJobSchema.safeParse(job.data).success) {
            logger.error('malformed write job failed', { jobId: job.id, error });
            return;
          }
          const failed = await itemsFailed(hub, job.data, error);
          for (const item of failed) {
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

  /**
   * A paused connection has no consumer: its jobs wait in its queue, and the first refresh after
   * the resume builds one again. Not awaited, as for a deleted connection: a write in flight to a
   * system that hangs would hold up every other connection's refresh.
   */
  const stopWhilePaused = (connectionId: string) => {
    if (!consumers.has(connectionId)) return;
    closeConsumer(connectionId).catch((error: unknown) =>
      logger.warn('could not stop the write worker of a paused connection', {
        connection: connectionId,
        error,
      }),
    );
  };

  /** Settings a connection's consumer could not be built with: tried again once they change. */
  const refused = new Map<string, string>();
  const refreshOne = async (connection: ConnectionSummary) => {
    if (connection.status === 'disabled') return stopWhilePaused(connection.id);
    const settings = consumerSettings(connection);
    const running = consumers.get(connection.id);
    if (running?.settings === settings || refused.get(connection.id) === settings) return;
    // Finishes the jobs in flight under the old settings first.
    if (running) await closeConsumer(connection.id);
    if (stopped) return;
    try {
      consumers.set(connection.id, { consumer: consumerFor(connection), settings });
      refused.delete(connection.id);
    } catch (error) {
      refused.set(connection.id, settings);
      logger.error('no write worker for a connection whose options the queue refuses', {
        connection: connection.id,
        error,
      });
    }
  };

  // One connection that cannot be served (options saved before they were checked) stops no other.
  // A consumer is built from the connection's options alone: its secrets are opened by the jobs that
  // write with them, never by this refresh, which runs every `refreshMs` in every worker process.
  const refresh = async () => {
    const connections = await hub.store.connections.listSummaries();
    for (const connection of connections) {
      if (stopped) return;
      await refreshOne(connection).catch((error: unknown) =>
        logger.warn('write worker refresh failed', { connection: connection.id, error }),
      );
    }
    // Deleted connections: their jobs in flight end as dropped, and a connection created again
    // under the same id is a new one, whose options are checked (and logged if refused) afresh.
    const listed = new Set(connections.map((connection) => connection.id));
    const gone = [...new Set([...consumers.keys(), ...refused.keys()])].filter((id) => !listed.has(id));
    // Not awaited: a hung call to the deleted connection's system would hold up every other
    // connection's refresh until it ends. The close stays in `closing`, so stop() waits for it.
    for (const id of gone) {
      refused.delete(id);
      closeConsumer(id).catch((error: unknown) =>
        logger.warn('could not close the write worker of a deleted connection', { connection: id, error }),
      );
    }
  };

  let timer: NodeJS.Timeout | undefined;
  const loop = () => {
    if (stopped) return;
    timer = setTimeout(async () => {
      await refresh().catch((error: unknown) => logger.warn('write worker refresh failed', { error }));
      loop();
    }, refreshMs);
  };
  // A failed first refresh (the database not up yet) is tried again by the loop.
  const ready = refresh()
    .catch((error: unknown) => logger.warn('write worker refresh failed', { error }))
    .then(loop);

  return {
    ready,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await Promise.all([...consumers.keys()].map(closeConsumer).concat([...closing]));
    },
  };
}
