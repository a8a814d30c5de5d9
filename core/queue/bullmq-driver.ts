import { randomUUID } from 'node:crypto';
import { DelayedError, type Job, type JobType, Queue, UnrecoverableError, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { HubError, toHubError } from '../errors/index.ts';
import { logger } from '../log/logger.ts';
import { instrumented } from './instrument.ts';
import {
  type ConsumeOptions,
  type Consumer,
  checkedJobId,
  DEFAULT_ATTEMPTS,
  DROPPED_JOB,
  type JobHandler,
  type JobOptions,
  KEPT_COMPLETED,
  KEPT_FAILED,
  type QueueCounts,
  type QueueJob,
  type QueuePort,
  waitUntilIdle,
} from './port.ts';
import { decideRetry } from './retry-policy.ts';

/** Where a job waits before a worker takes it: in the queue (paused or not), by priority or for its time. */
const WAITING_STATES: JobType[] = ['wait', 'prioritized', 'delayed'];
const LISTED_PER_CALL = 500;

/** Carries the delay decideRetry chose to BullMQ's backoff strategy. */
class RetryLater extends Error {
  constructor(
    readonly delayMs: number,
    message: string,
  ) {
    super(message);
  }
}

function viewOf<T>(job: Job): QueueJob<T> {
  return {
    id: job.id ?? '',
    name: job.name,
    data: job.data as T,
    attemptsMade: job.attemptsMade,
    maxAttempts: job.opts.attempts ?? DEFAULT_ATTEMPTS,
  };
}

export interface BullmqOptions {
  redisUrl: string;
  /** Key prefix; tests use their own so they never see each other's jobs. @defaultValue 'thub' */
  prefix?: string;
}

export function createBullmqQueue(options: BullmqOptions): QueuePort {
  const prefix = options.prefix ?? 'thub';
  const connection = new Redis(options.redisUrl, { maxRetriesPerRequest: null, lazyConnect: false });
  connection.on('error', () => undefined);
  const queues = new Map<string, Queue>();
  const workers = new Set<Worker>();

  const queueOf = (name: string): Queue => {
    let queue = queues.get(name);
    if (!queue) {
      queue = new Queue(name, { connection, prefix });
      queue.on('error', () => undefined);
      queues.set(name, queue);
    }
    return queue;
  };

  const jobOptions = (options: JobOptions = {}) => ({
    jobId: checkedJobId(options.jobId),
    delay: options.delayMs,
    attempts: options.attempts ?? DEFAULT_ATTEMPTS,
    backoff: { type: 'hub' },
    removeOnComplete: { count: KEPT_COMPLETED },
    removeOnFail: { count: KEPT_FAILED },
  });

  function consume<T>(
    name: string,
    rawHandler: JobHandler<T>,
    consumeOptions: ConsumeOptions<T> = {},
  ): Consumer {
    const handler = instrumented(name, rawHandler);
    const worker = new Worker(
      name,
      async (job, token) => {
        const view = viewOf<T>(job);
        try {
          await handler(view);
        } catch (raw) {
          const error = toHubError(raw);
          const decision = decideRetry(error, view.attemptsMade, view.maxAttempts);
          if (!decision.retry && decision.dropped) {
            logger.warn(DROPPED_JOB, { queue: name, jobId: job.id, error: error.message });
            return;
          }
          if (decision.retry && !decision.countsAsAttempt) {
            await job.moveToDelayed(Date.now() + decision.delayMs, token);
            throw new DelayedError();
          }
          if (decision.retry) throw new RetryLater(decision.delayMs, error.message);
          await consumeOptions.onFailed?.(view, error);
          throw new UnrecoverableError(error.message);
        }
      },
      {
        connection: connection.duplicate(),
        prefix,
        concurrency: consumeOptions.concurrency ?? 1,
        limiter: consumeOptions.limiter
          ? { max: consumeOptions.limiter.max, duration: consumeOptions.limiter.durationMs }
          : undefined,
        settings: {
          backoffStrategy: (_attempts, _type, err) => (err instanceof RetryLater ? err.delayMs : 1000),
        },
      },
    );
    worker.on('error', () => undefined);
    worker.on('failed', (job) => {
      // BullMQ fails a job that stalled too often (its worker died or hung while holding it twice)
      // without running the handler: onFailed must still hear of it, or its work is silently gone.
      if (!job?.deferredFailure) return;
      const error = new HubError('transient', 'job_stalled', `${name}: ${job.deferredFailure}`);
      logger.error('job failed after stalling', { queue: name, jobId: job.id, error: error.message });
      consumeOptions.onFailed?.(viewOf<T>(job), error).catch((failure: unknown) => {
        logger.error('could not record a stalled job', { queue: name, jobId: job.id, error: failure });
      });
    });
    workers.add(worker);
    return {
      pause: () => worker.pause(),
      resume: () => worker.resume(),
      async close() {
        workers.delete(worker);
        await worker.close();
      },
    };
  }

  const counts = async (name: string): Promise<QueueCounts> => {
    const c = await queueOf(name).getJobCounts(
      'waiting',
      'active',
      'delayed',
      'completed',
      'failed',
      'prioritized',
    );
    return {
      waiting: (c.waiting ?? 0) + (c.prioritized ?? 0),
      active: c.active ?? 0,
      delayed: c.delayed ?? 0,
      completed: c.completed ?? 0,
      failed: c.failed ?? 0,
    };
  };

  /** Jobs not yet taken by a worker; a job moving on meanwhile is left alone by its removal. */
  const removeMatching = async <T>(queue: Queue, matches: (data: T) => boolean): Promise<number> => {
    const ids: string[] = [];
    for (let start = 0; ; start += LISTED_PER_CALL) {
      const jobs = await queue.getJobs(WAITING_STATES, start, start + LISTED_PER_CALL - 1, true);
      if (jobs.length === 0) break;
      for (const job of jobs) if (job.id && matches(job.data as T)) ids.push(job.id);
    }
    let removed = 0;
    for (let at = 0; at < ids.length; at += LISTED_PER_CALL) {
      const codes = await Promise.all(ids.slice(at, at + LISTED_PER_CALL).map((id) => queue.remove(id)));
      removed += codes.filter((code) => code === 1).length;
    }
    return removed;
  };

  return {
    driver: 'bullmq',
    async add(name, jobName, data, options) {
      await queueOf(name).add(jobName, data, jobOptions(options));
    },
    async addBulk(name, jobs) {
      if (jobs.length === 0) return;
      await queueOf(name).addBulk(
        jobs.map((job) => ({ name: job.name, data: job.data, opts: jobOptions(job.options) })),
      );
    },
    consume,
    counts,
    whenIdle: (name, timeoutMs = 30_000) => waitUntilIdle(counts, name, timeoutMs, 20),
    async removeWaiting(name, matches) {
      const queue = queueOf(name);
      if (matches) return removeMatching(queue, matches);
      const before = await counts(name);
      await queue.drain(true);
      return before.waiting + before.delayed;
    },
    async epoch() {
      // One round trip (Redis 7): sets a new epoch only where none is, and answers the one before.
      const fresh = randomUUID();
      const before = await connection.set(`${prefix}:epoch`, fresh, 'NX', 'GET');
      return before ?? fresh;
    },
    async ping() {
      try {
        return (await connection.ping()) === 'PONG';
      } catch {
        return false;
      }
    },
    async close() {
      await Promise.all([...workers].map((worker) => worker.close()));
      await Promise.all([...queues.values()].map((queue) => queue.close()));
      connection.disconnect();
    },
  };
}
