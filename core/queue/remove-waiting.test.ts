import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { queueDrivers } from '../../tests/support/drivers.ts';
import { LogCapture } from '../../tests/support/log-capture.ts';
import { HubError } from '../errors/index.ts';
import { logger } from '../log/logger.ts';
import type { Consumer, QueueJob, QueuePort } from './port.ts';

// A deleted connection's jobs are taken out of the queues (removeWaiting), and one that still
// comes up after the delete (queued meanwhile, or running at the time) ends as done, logged.

interface Job {
  connectionId: string;
  n: number;
}

const ofConnection = (connectionId: string) => (data: Job) => data.connectionId === connectionId;

describe.each(queueDrivers())('removing queued jobs: $name', (driver) => {
  let queue: QueuePort;
  const consumers: Consumer[] = [];
  const capture = new LogCapture({ level: 'warn' });
  beforeEach(() => {
    queue = driver.open();
    logger.add(capture);
  });
  afterEach(async () => {
    logger.remove(capture);
    capture.clear();
    await Promise.all(consumers.splice(0).map((consumer) => consumer.close()));
    await queue.close();
  });

  /** Runs the queue's jobs to the end and answers the data each job was run with. */
  async function runAll(name: string): Promise<Job[]> {
    const seen: Job[] = [];
    consumers.push(queue.consume<Job>(name, async (job) => void seen.push(job.data)));
    await queue.whenIdle(name);
    return seen;
  }

  it('removes the waiting and delayed jobs that match, and no other', async () => {
    await queue.addBulk<Job>('runs', [
      { name: 'sync', data: { connectionId: 'erp', n: 1 } },
      { name: 'sync', data: { connectionId: 'crm', n: 2 } },
      { name: 'sync', data: { connectionId: 'erp', n: 3 }, options: { jobId: 'run-erp-3' } },
      { name: 'sync', data: { connectionId: 'erp', n: 4 }, options: { delayMs: 60_000 } },
      { name: 'sync', data: { connectionId: 'crm', n: 5 }, options: { delayMs: 50 } },
    ]);

    expect(await queue.removeWaiting<Job>('runs', ofConnection('erp'))).toBe(3);

    expect(await queue.counts('runs')).toMatchObject({ waiting: 1, delayed: 1 });
    expect((await runAll('runs')).map((job) => job.n).sort()).toEqual([2, 5]);
    // Gone from the queue: its id no longer holds a later job back.
    await queue.add<Job>('runs', 'sync', { connectionId: 'erp', n: 6 }, { jobId: 'run-erp-3' });
    await queue.whenIdle('runs');
    expect((await queue.counts('runs')).completed).toBe(3);
  });

  it('removes every waiting and delayed job of a queue when no match is given', async () => {
    await queue.add<Job>('write.erp', 'write', { connectionId: 'erp', n: 1 });
    await queue.add<Job>('write.erp', 'write', { connectionId: 'erp', n: 2 }, { delayMs: 60_000 });
    await queue.add<Job>('write.crm', 'write', { connectionId: 'crm', n: 3 });

    expect(await queue.removeWaiting('write.erp')).toBe(2);

    expect(await queue.counts('write.erp')).toMatchObject({ waiting: 0, delayed: 0 });
    expect(await runAll('write.erp')).toEqual([]);
    expect(await runAll('write.crm')).toEqual([{ connectionId: 'crm', n: 3 }]);
  });

  it('leaves a running job alone', async () => {
    let release: () => void = () => undefined;
    const started: Job[] = [];
    consumers.push(
      queue.consume<Job>('busy', async (job) => {
        started.push(job.data);
        await new Promise<void>((resolve) => {
          release = resolve;
        });
      }),
    );
    await queue.add<Job>('busy', 'write', { connectionId: 'erp', n: 1 });
    const deadline = Date.now() + 10_000;
    while (started.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));

    expect(await queue.removeWaiting<Job>('busy', ofConnection('erp'))).toBe(0);
    release();
    await queue.whenIdle('busy');
    expect((await queue.counts('busy')).completed).toBe(1);
  });

  it('ends a job that meets its connection deleted as done, with a log line, and not as failed', async () => {
    const failed: Array<QueueJob<unknown>> = [];
    consumers.push(
      queue.consume<Job>(
        'gone',
        async (job) => {
          throw new HubError('not_found', 'connection_not_found', `No connection "${job.data.connectionId}"`);
        },
        { onFailed: async (job) => void failed.push(job) },
      ),
    );
    await queue.add<Job>('gone', 'write', { connectionId: 'erp', n: 1 }, { jobId: 'w-gone', attempts: 3 });
    await queue.whenIdle('gone');

    expect(failed).toEqual([]);
    expect(await queue.counts('gone')).toMatchObject({ completed: 1, failed: 0 });
    expect(capture.entries).toContainEqual(
      expect.objectContaining({
        message: 'job dropped: its connection was deleted',
        queue: 'gone',
        jobId: 'w-gone',
        error: 'No connection "erp"',
      }),
    );
  });
});
