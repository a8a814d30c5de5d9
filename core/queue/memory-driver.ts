import { randomUUID } from 'node:crypto';
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
  type QueuePort,
  waitUntilIdle,
} from './port.ts';
import { decideRetry } from './retry-policy.ts';

interface MemoryJob {
  id: string;
  name: string;
  data: unknown;
  attemptsMade: number;
  maxAttempts: number;
  readyAt: number;
}

interface MemoryQueue {
  ready: MemoryJob[];
  /** Each delayed job with the timer that makes it ready. */
  delayed: Map<MemoryJob, NodeJS.Timeout>;
  ids: Set<string>;
  /** Ids of finished jobs still kept, oldest first: they keep deduplicating like BullMQ's. */
  keptCompleted: string[];
  keptFailed: string[];
  active: number;
  completed: number;
  failed: number;
  wakers: Set<() => void>;
}

/** Keeps a finished job's id (so re-adding it is ignored) and forgets the oldest beyond `limit`. */
function keep(queue: MemoryQueue, kept: string[], id: string, limit: number): void {
  kept.push(id);
  if (kept.length > limit) queue.ids.delete(kept.shift()!);
}

/** In-process queue for the embedded mode: same contract as BullMQ, nothing survives a restart. */
export function createMemoryQueue(): QueuePort {
  const queues = new Map<string, MemoryQueue>();
  const timers = new Set<NodeJS.Timeout>();
  let closed = false;

  const queueOf = (name: string): MemoryQueue => {
    let queue = queues.get(name);
    if (!queue) {
      queue = {
        ready: [],
        delayed: new Map(),
        ids: new Set(),
        keptCompleted: [],
        keptFailed: [],
        active: 0,
        completed: 0,
        failed: 0,
        wakers: new Set(),
      };
      queues.set(name, queue);
    }
    return queue;
  };

  const schedule = (queue: MemoryQueue, job: MemoryJob) => {
    const wait = job.readyAt - Date.now();
    if (wait <= 0) {
      queue.ready.push(job);
      for (const wake of queue.wakers) wake();
      return;
    }
    const timer = setTimeout(() => {
      timers.delete(timer);
      queue.delayed.delete(job);
      queue.ready.push(job);
      for (const wake of queue.wakers) wake();
    }, wait);
    queue.delayed.set(job, timer);
    timers.add(timer);
  };

  const removeWaiting = async <T>(name: string, matches: (data: T) => boolean = () => true) => {
    const queue = queueOf(name);
    const kept: MemoryJob[] = [];
    const removed: MemoryJob[] = [];
    for (const job of queue.ready) (matches(job.data as T) ? removed : kept).push(job);
    queue.ready = kept;
    for (const [job, timer] of queue.delayed) {
      if (!matches(job.data as T)) continue;
      clearTimeout(timer);
      timers.delete(timer);
      queue.delayed.delete(job);
      removed.push(job);
    }
    for (const job of removed) queue.ids.delete(job.id);
    return removed.length;
  };

  const add = async <T>(name: string, jobName: string, data: T, options: JobOptions = {}) => {
    const queue = queueOf(name);
    const id = checkedJobId(options.jobId) ?? randomUUID();
    if (queue.ids.has(id)) return;
    queue.ids.add(id);
    schedule(queue, {
      id,
      name: jobName,
      data: structuredClone(data),
      attemptsMade: 0,
      maxAttempts: options.attempts ?? DEFAULT_ATTEMPTS,
      readyAt: Date.now() + (options.delayMs ?? 0),
    });
  };

  function consume<T>(name: string, rawHandler: JobHandler<T>, options: ConsumeOptions<T> = {}): Consumer {
    const handler = instrumented(name, rawHandler);
    const queue = queueOf(name);
    const concurrency = options.concurrency ?? 1;
    // BullMQ's Worker refuses the same: a test on this driver catches what Redis would refuse.
    if (!(Number.isFinite(concurrency) && concurrency > 0))
      throw new HubError(
        'config',
        'invalid_concurrency',
        `queue ${name}: concurrency must be a finite number greater than 0, not ${String(concurrency)}`,
      );
    const startedAt: number[] = [];
    let paused = false;
    let stopped = false;

    const limiterWait = (): number => {
      if (!options.limiter) return 0;
      const now = Date.now();
      while (startedAt.length > 0 && now - startedAt[0]! >= options.limiter.durationMs) startedAt.shift();
      return startedAt.length < options.limiter.max ? 0 : options.limiter.durationMs - (now - startedAt[0]!);
    };

    const run = async (job: MemoryJob) => {
      queue.active++;
      const view = {
        id: job.id,
        name: job.name,
        data: job.data as T,
        attemptsMade: job.attemptsMade,
        maxAttempts: job.maxAttempts,
      };
      const complete = () => {
        queue.completed++;
        keep(queue, queue.keptCompleted, job.id, KEPT_COMPLETED);
      };
      try {
        await handler(view);
        complete();
      } catch (raw) {
        const error = toHubError(raw);
        const decision = decideRetry(error, job.attemptsMade, job.maxAttempts);
        if (!decision.retry && decision.dropped) {
          logger.warn(DROPPED_JOB, { queue: name, jobId: job.id, error: error.message });
          complete();
        } else if (decision.retry) {
          schedule(queue, {
            ...job,
            attemptsMade: job.attemptsMade + (decision.countsAsAttempt ? 1 : 0),
            readyAt: Date.now() + decision.delayMs,
          });
        } else {
          queue.failed++;
          keep(queue, queue.keptFailed, job.id, KEPT_FAILED);
          await options.onFailed?.(view, error).catch((failure: unknown) => {
            logger.error('could not record a failed job', { queue: name, jobId: job.id, error: failure });
          });
        }
      } finally {
        queue.active--;
        inFlight.delete(job);
        pump();
      }
    };

    const pump = () => {
      if (paused || stopped || closed) return;
      while (queue.ready.length > 0 && running() < concurrency) {
        const wait = limiterWait();
        if (wait > 0) {
          const timer = setTimeout(() => {
            timers.delete(timer);
            pump();
          }, wait);
          timers.add(timer);
          return;
        }
        startedAt.push(Date.now());
        const job = queue.ready.shift()!;
        inFlight.add(job);
        void run(job);
      }
    };
    const inFlight = new Set<MemoryJob>();
    const running = () => inFlight.size;

    queue.wakers.add(pump);
    queueMicrotask(pump);
    return {
      async pause() {
        paused = true;
      },
      resume() {
        paused = false;
        pump();
      },
      async close() {
        stopped = true;
        queue.wakers.delete(pump);
        while (inFlight.size > 0) await new Promise((resolve) => setTimeout(resolve, 5));
      },
    };
  }

  const counts = async (name: string): Promise<QueueCounts> => {
    const queue = queueOf(name);
    return {
      waiting: queue.ready.length,
      active: queue.active,
      delayed: queue.delayed.size,
      completed: queue.completed,
      failed: queue.failed,
    };
  };

  return {
    driver: 'memory',
    add,
    async addBulk(name, jobs) {
      for (const job of jobs) await add(name, job.name, job.data, job.options);
    },
    consume,
    counts,
    whenIdle: (name, timeoutMs = 30_000) => waitUntilIdle(counts, name, timeoutMs, 10),
    removeWaiting,
    async ping() {
      return !closed;
    },
    async close() {
      closed = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
    },
  };
}
