import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HubError } from '../../core/errors/index.ts';
import type { Consumer, QueueJob, QueuePort } from '../../core/queue/index.ts';
import { CIRCUIT_OPEN } from '../../core/queue/retry-policy.ts';
import { queueDrivers } from '../support/drivers.ts';

const until = async (check: () => boolean, timeoutMs = 10_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
};

describe.each(queueDrivers())('queue port conformance: $name', (driver) => {
  let queue: QueuePort;
  const consumers: Consumer[] = [];
  beforeEach(() => {
    queue = driver.open();
  });
  afterEach(async () => {
    await Promise.all(consumers.splice(0).map((consumer) => consumer.close()));
    await queue.close();
  });

  it('delivers every job once, in order for a single consumer', async () => {
    const seen: number[] = [];
    await queue.addBulk(
      'q1',
      [1, 2, 3, 4, 5].map((n) => ({ name: 'n', data: { n } })),
    );
    consumers.push(queue.consume<{ n: number }>('q1', async (job) => void seen.push(job.data.n)));
    await until(() => seen.length === 5);
    await queue.whenIdle('q1');
    expect(seen).toEqual([1, 2, 3, 4, 5]);
  });

  it('deduplicates jobs by id', async () => {
    const seen: string[] = [];
    await queue.add('q2', 'x', { v: 'a' }, { jobId: 'same' });
    await queue.add('q2', 'x', { v: 'b' }, { jobId: 'same' });
    consumers.push(queue.consume<{ v: string }>('q2', async (job) => void seen.push(job.data.v)));
    await queue.whenIdle('q2');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(seen).toEqual(['a']);
  });

  it('keeps deduplicating by id after the job completed or failed', async () => {
    const seen: string[] = [];
    consumers.push(
      queue.consume<{ v: string }>('q7', async (job) => {
        seen.push(job.data.v);
        if (job.data.v.startsWith('fail')) throw new HubError('invalid_data', 'bad', 'refused');
      }),
    );
    await queue.add('q7', 'x', { v: 'done' }, { jobId: 'job-done' });
    await queue.add('q7', 'x', { v: 'fail' }, { jobId: 'job-failed' });
    await queue.whenIdle('q7');
    await queue.add('q7', 'x', { v: 'done again' }, { jobId: 'job-done' });
    await queue.add('q7', 'x', { v: 'fail again' }, { jobId: 'job-failed' });
    await queue.whenIdle('q7');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(seen).toEqual(['done', 'fail']);
  });

  it('retries a transient failure and then succeeds', async () => {
    let calls = 0;
    await queue.add('q3', 'flaky', {}, { attempts: 3 });
    consumers.push(
      queue.consume('q3', async () => {
        calls++;
        if (calls === 1) throw new HubError('rate_limited', 'http_429', 'slow down', { retryAfterMs: 30 });
      }),
    );
    await until(() => calls === 2);
    await queue.whenIdle('q3');
    expect(calls).toBe(2);
  });

  it('hands a permanent failure to onFailed once, without retrying', async () => {
    let calls = 0;
    const failed: Array<[QueueJob<unknown>, HubError]> = [];
    await queue.add('q4', 'bad', { id: 7 }, { attempts: 5 });
    consumers.push(
      queue.consume(
        'q4',
        async () => {
          calls++;
          throw new HubError('invalid_data', 'http_400', 'name is required', { fieldPath: 'name' });
        },
        { onFailed: async (job, error) => void failed.push([job, error]) },
      ),
    );
    await until(() => failed.length === 1);
    await queue.whenIdle('q4');
    expect(calls).toBe(1);
    expect(failed[0]![1].fieldPath).toBe('name');
    expect(failed[0]![0].data).toEqual({ id: 7 });
  });

  it('gives up after the last attempt of a transient failure', async () => {
    let calls = 0;
    const failed: HubError[] = [];
    await queue.add('q5', 'down', {}, { attempts: 2 });
    consumers.push(
      queue.consume(
        'q5',
        async () => {
          calls++;
          throw new HubError('rate_limited', 'http_429', 'still down', { retryAfterMs: 10 });
        },
        { onFailed: async (_job, error) => void failed.push(error) },
      ),
    );
    await until(() => failed.length === 1);
    expect(calls).toBe(2);
  });

  it('pauses a job behind an open circuit without using up its attempts', async () => {
    let calls = 0;
    const failed: HubError[] = [];
    await queue.add('q8', 'paused', {}, { attempts: 2 });
    consumers.push(
      queue.consume(
        'q8',
        async () => {
          calls++;
          if (calls <= 3) throw new HubError('transient', CIRCUIT_OPEN, 'paused', { retryAfterMs: 20 });
        },
        { onFailed: async (_job, error) => void failed.push(error) },
      ),
    );
    await until(() => calls === 4);
    await queue.whenIdle('q8');
    expect(failed).toEqual([]);
    expect((await queue.counts('q8')).completed).toBe(1);
  });

  it('refuses a job id that is an integer or holds a colon, as Redis would', async () => {
    for (const jobId of ['sched-crm-customers-2026-12-03T07:32', '42'])
      await expect(queue.add('q9', 'x', {}, { jobId })).rejects.toMatchObject({ code: 'invalid_job_id' });
    await queue.add('q9', 'x', {}, { jobId: 'sched-crm-customers-29433472' });
    expect((await queue.counts('q9')).waiting).toBe(1);
  });

  it('respects the rate limiter', async () => {
    const startedAt: number[] = [];
    await queue.addBulk(
      'q6',
      Array.from({ length: 6 }, (_, n) => ({ name: 'n', data: { n } })),
    );
    consumers.push(
      queue.consume('q6', async () => void startedAt.push(Date.now()), {
        concurrency: 6,
        limiter: { max: 2, durationMs: 200 },
      }),
    );
    await until(() => startedAt.length === 6);
    // six jobs at two per 200 ms need at least two further windows after the first.
    expect(startedAt[5]! - startedAt[0]!).toBeGreaterThanOrEqual(350);
  });

  it('answers ping and reports counts', async () => {
    expect(await queue.ping()).toBe(true);
    await queue.add('q7', 'later', {}, { delayMs: 60_000 });
    expect((await queue.counts('q7')).delayed).toBe(1);
  });
});
