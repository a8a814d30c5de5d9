import { describe, expect, it } from 'vitest';
import { HubError } from '../errors/index.ts';
import { CIRCUIT_OPEN, CONNECTION_GONE, decideRetry, RUN_INTERRUPTED, STREAM_BUSY } from './retry-policy.ts';

const noJitter = () => 1;

describe('decideRetry', () => {
  it('waits what a rate limit asked for', () => {
    const error = new HubError('rate_limited', 'http_429', 'slow down', { retryAfterMs: 30_000 });
    expect(decideRetry(error, 0, 8)).toMatchObject({ retry: true, delayMs: 30_000, countsAsAttempt: true });
  });

  it('honours a wait carried by a transient error too (a mixed batch with a 429 in it)', () => {
    const error = new HubError('transient', 'http_503', '2 of 3 writes must be retried', {
      retryAfterMs: 30_000,
    });
    expect(decideRetry(error, 0, 8, undefined, noJitter)).toMatchObject({ retry: true, delayMs: 30_000 });
  });

  it('backs off exponentially without a named wait, then gives up', () => {
    const error = new HubError('transient', 'http_503', 'unavailable');
    const delays = [0, 1, 2, 3].map((attempt) => decideRetry(error, attempt, 8, undefined, noJitter));
    expect(delays.map((decision) => (decision.retry ? decision.delayMs : 0))).toEqual([
      500, 1000, 2000, 4000,
    ]);
    expect(decideRetry(error, 7, 8)).toEqual({ retry: false, reason: 'gave up after 8 attempts' });
  });

  it('pauses a job behind an open circuit for the pause, without using up an attempt', () => {
    const error = new HubError('transient', CIRCUIT_OPEN, 'writes to erp are paused', {
      retryAfterMs: 10_000,
    });
    expect(decideRetry(error, 7, 8)).toMatchObject({ retry: true, delayMs: 10_000, countsAsAttempt: false });
  });

  it('holds back a requested sync run whose stream is busy, or that a shutdown stopped, without using up an attempt', () => {
    for (const code of [STREAM_BUSY, RUN_INTERRUPTED]) {
      const error = new HubError('transient', code, 'crm/customers is held by another run', {
        retryAfterMs: 10_000,
      });
      expect(decideRetry(error, 7, 8)).toMatchObject({
        retry: true,
        delayMs: 10_000,
        countsAsAttempt: false,
      });
    }
  });

  it('never retries a permanent error', () => {
    const error = new HubError('invalid_data', 'http_400', 'name is required', { retryAfterMs: 5 });
    expect(decideRetry(error, 0, 8)).toEqual({ retry: false, reason: 'permanent: invalid_data' });
  });

  it('drops a job whose connection was deleted: it is neither retried nor failed', () => {
    const error = new HubError('not_found', CONNECTION_GONE, 'No connection "erp"');
    expect(decideRetry(error, 0, 8)).toEqual({
      retry: false,
      dropped: true,
      reason: 'its connection was deleted',
    });
  });
});
