import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { openTestBullmqQueue } from '../../tests/support/drivers.ts';
import type { HubError } from '../errors/index.ts';
import type { Consumer, QueueJob, QueuePort } from './port.ts';

// BullMQ's stalled-job check marks a job that stalled more often than allowed (its worker died or
// hung twice while holding it) with a deferred failure and moves it back to wait; the next worker
// fails it without running the handler. The mark is set here as that check sets it.
const redisUrl = process.env.REDIS_URL;

describe.skipIf(!redisUrl)('bullmq queue: a job that stalled too often', () => {
  let queue: QueuePort;
  let consumer: Consumer | undefined;
  let redis: Redis | undefined;
  afterEach(async () => {
    await consumer?.close();
    await queue?.close();
    redis?.disconnect();
  });

  it('is handed to onFailed, so its work is recorded as failed instead of vanishing', async () => {
    const prefix = `thub-test-${randomBytes(4).toString('hex')}`;
    queue = openTestBullmqQueue(redisUrl!, prefix);
    await queue.add('stalls', 'write', { items: ['C-1'] }, { jobId: 'job-1', delayMs: 60_000 });
    redis = new Redis(redisUrl!);
    await redis.hset(`${prefix}:stalls:job-1`, 'defa', 'job stalled more than allowable limit');
    await redis.hset(`${prefix}:stalls:job-1`, 'delay', '0');
    await redis.zadd(`${prefix}:stalls:delayed`, '0', 'job-1');

    let handled = 0;
    const failed: Array<[QueueJob<unknown>, HubError]> = [];
    consumer = queue.consume(
      'stalls',
      async () => {
        handled += 1;
      },
      { onFailed: async (job, error) => void failed.push([job, error]) },
    );
    const deadline = Date.now() + 15_000;
    while (failed.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));

    expect(handled).toBe(0);
    expect(failed).toHaveLength(1);
    expect(failed[0]![0]).toMatchObject({ id: 'job-1', data: { items: ['C-1'] } });
    expect(failed[0]![1]).toMatchObject({ kind: 'transient', code: 'job_stalled' });
  });
});
