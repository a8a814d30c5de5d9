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

describe('the reason of a partial run', () => {
  const failed = (n: number) => ({ ...emptyCounts(), failed: n });

  it('names schema drift, with the fields added and removed', () => {
    expect(
      outcomeOf(undefined, emptyCounts(), { schemaDrift: { added: ['vat'], removed: ['fax', 'telex'] } }),
    ).toEqual({
      status: 'partial',
      reason: 'partially synced: schema drift (added: vat; removed: fax, telex)',
    });
  });

  it('names every reason of the run, in one sentence', () => {
    const quota = new HubError('rate_limited', 'api_quota_reached', 'daily quota spent');
    expect(outcomeOf(quota, failed(2), { schemaDrift: { removed: ['fax'] } })).toMatchObject({
      status: 'partial',
      reason: 'partially synced: quota; 2 records failed; schema drift (removed: fax)',
      error: 'daily quota spent',
    });
    expect(outcomeOf(undefined, failed(1), { stopped: true, schemaDrift: { added: ['vat'] } })).toEqual({
      status: 'partial',
      reason: 'stopped; partially synced: 1 records failed; schema drift (added: vat)',
    });
  });

  it('is stopped for a run stopped through its signal', () => {
    expect(outcomeOf(undefined, emptyCounts(), { stopped: true })).toEqual({
      status: 'partial',
      reason: 'stopped',
    });
  });

  it('leaves a failed run failed and a clean run succeeded', () => {
    const lost = new HubError('transient', 'connection_lost', 'socket hang up');
    expect(outcomeOf(lost, emptyCounts(), { schemaDrift: { added: ['vat'] } })).toMatchObject({
      status: 'failed',
      reason: 'connection_lost',
    });
    expect(outcomeOf(undefined, emptyCounts(), { schemaDrift: {} })).toEqual({ status: 'succeeded' });
  });
});
