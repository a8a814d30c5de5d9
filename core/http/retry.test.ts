import { describe, expect, it } from 'vitest';
import { HubError } from '../errors/index.ts';
import { parseRetryAfter } from './classify.ts';
import { nextRetryDelay, withInRequestRetry } from './retry.ts';

const settings = { attempts: 3, baseDelayMs: 200, maxWaitMs: 10_000 };

describe('in-request retry', () => {
  it('honours Retry-After and gives long waits back to the queue', () => {
    const short = new HubError('rate_limited', 'http_429', 'slow down', { retryAfterMs: 2000 });
    const long = new HubError('rate_limited', 'http_429', 'slow down', { retryAfterMs: 60_000 });
    expect(nextRetryDelay(short, 1, settings)).toBe(2000);
    expect(nextRetryDelay(long, 1, settings)).toBeUndefined();
  });

  it('backs off exponentially with jitter and never retries permanent errors', () => {
    const transient = new HubError('transient', 'http_503', 'down');
    expect(nextRetryDelay(transient, 2, settings, () => 0)).toBe(200);
    expect(nextRetryDelay(transient, 2, settings, () => 1)).toBe(400);
    expect(nextRetryDelay(transient, 3, settings)).toBeUndefined();
    expect(nextRetryDelay(new HubError('invalid_data', 'http_400', 'bad'), 1, settings)).toBeUndefined();
  });

  it('retries a transient failure and returns the later success', async () => {
    let calls = 0;
    const result = await withInRequestRetry(
      async () => {
        calls++;
        if (calls < 2) throw new HubError('transient', 'http_500', 'boom');
        return 'ok';
      },
      (error) => error as HubError,
      { sleep: async () => {} },
    );
    expect(result).toBe('ok');
    expect(calls).toBe(2);
  });

  it('parses Retry-After seconds and dates', () => {
    expect(parseRetryAfter('3')).toBe(3000);
    expect(parseRetryAfter(new Date(10_000).toUTCString(), 4_000)).toBe(6000);
    expect(parseRetryAfter(undefined)).toBeUndefined();
  });
});
