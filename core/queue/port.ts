import { HubError } from '../errors/index.ts';

export interface JobOptions {
  /**
   * Same id, same job: a second add while the first exists is ignored (deduplication). A finished
   * job still counts while the queue keeps it: the last KEPT_COMPLETED completed and KEPT_FAILED
   * failed jobs of each queue.
   */
  jobId?: string;
  delayMs?: number;
  /** Tries in total. @defaultValue 8 */
  attempts?: number;
}

export interface QueueJob<T> {
  id: string;
  name: string;
  data: T;
  /** Tries already made before this one. */
  attemptsMade: number;
  maxAttempts: number;
}

export interface ConsumeOptions<T> {
  /** Jobs in flight at once in this process. @defaultValue 1 */
  concurrency?: number;
  /** At most `max` jobs per `durationMs` across all workers of the queue (the target's rate limit). */
  limiter?: { max: number; durationMs: number };
  /** Called once when a job will not be retried again (permanent error or attempts exhausted). */
  onFailed?: (job: QueueJob<T>, error: HubError) => Promise<void>;
}

export interface QueueCounts {
  waiting: number;
  active: number;
  delayed: number;
  completed: number;
  failed: number;
}

export interface Consumer {
  pause(): Promise<void>;
  resume(): void;
  close(): Promise<void>;
}

export type JobHandler<T> = (job: QueueJob<T>) => Promise<void>;

/** The queue the hub talks to; BullMQ on Redis in services mode, in-process when embedded. */
export interface QueuePort {
  readonly driver: 'bullmq' | 'memory';
  add<T>(queue: string, name: string, data: T, options?: JobOptions): Promise<void>;
  addBulk<T>(queue: string, jobs: Array<{ name: string; data: T; options?: JobOptions }>): Promise<void>;
  consume<T>(queue: string, handler: JobHandler<T>, options?: ConsumeOptions<T>): Consumer;
  counts(queue: string): Promise<QueueCounts>;
  /** Resolves when the queue has nothing waiting, delayed or active. */
  whenIdle(queue: string, timeoutMs?: number): Promise<void>;
  /**
   * Takes the jobs waiting or delayed in a queue out of it, those whose data `matches` or, without
   * it, all of them (for a whole queue on Redis: as many as were there just before); a running job
   * stays. A removed job's id no longer holds a later job back. Answers how many it removed.
   */
  removeWaiting<T>(queue: string, matches?: (data: T) => boolean): Promise<number>;
  ping(): Promise<boolean>;
  /**
   * An id that changes when the queue loses its state (a Redis restarted without persistence);
   * absent for a queue that lives and dies with the process.
   */
  epoch?(): Promise<string>;
  close(): Promise<void>;
}

export const DEFAULT_ATTEMPTS = 8;
/** The log line of a job that ended without running to its end because its connection is gone. */
export const DROPPED_JOB = 'job dropped: its connection was deleted';
export const KEPT_COMPLETED = 1000;
export const KEPT_FAILED = 5000;

/** Polls a queue's counts until nothing is waiting, delayed or active; both drivers use it. */
export async function waitUntilIdle(
  counts: (queue: string) => Promise<QueueCounts>,
  queue: string,
  timeoutMs: number,
  pollMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const c = await counts(queue);
    if (c.waiting + c.active + c.delayed === 0) return;
    if (Date.now() > deadline) throw new Error(`queue ${queue} not idle after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}

/**
 * A job id both drivers accept: BullMQ refuses ids that are integers or hold a ':', and the
 * in-process driver refuses the same ones, so a test on it catches what Redis would refuse.
 */
export function checkedJobId(id: string | undefined): string | undefined {
  if (id === undefined) return id;
  if (id.includes(':') || `${Number.parseInt(id, 10)}` === id)
    throw new HubError(
      'system',
      'invalid_job_id',
      `job id "${id}" is an integer or holds a ':', which queues refuse`,
    );
  return id;
}
