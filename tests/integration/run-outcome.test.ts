import { describe, expect, it } from 'vitest';
import { HubError } from '../../core/errors/index.ts';
import { outcomeOf } from '../../core/sync/run-sync.ts';
import { emptyCounts } from '../../core/sync/runs.ts';

const reasonFor = (code: string, message = 'limited') =>
  outcomeOf(new HubError('rate_limited', code, message), emptyCounts()).reason;

describe('the outcome of a rate-limited run', () => {
  it('names a spent daily allowance a quota', () => {
    for (const code of ['api_quota_reached', 'rate_limited_daily', 'request_limit_exceeded'])
      expect(reasonFor(code)).toBe('partially synced: quota');
  });

  it('names a short rate limit a rate limit, whatever its code or message says', () => {
    expect(reasonFor('rate_limited_ten_secondly_rolling')).toBe('partially synced: rate limited');
    expect(reasonFor('rate_limited_secondly')).toBe('partially synced: rate limited');
    expect(reasonFor('erpnext_rate_limited', 'RateLimitExceededError: limit reached')).toBe(
      'partially synced: rate limited',
    );
  });
});
