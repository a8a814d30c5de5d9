import { afterEach, describe, expect, it } from 'vitest';
import { today } from './load.ts';

describe('today', () => {
  const zone = process.env.TZ;
  afterEach(() => {
    if (zone === undefined) delete process.env.TZ;
    else process.env.TZ = zone;
  });

  it('is the date in the time zone the hub runs in, not in UTC', () => {
    const morningInShanghai = new Date('2026-12-03T22:00:00Z');
    process.env.TZ = 'Asia/Shanghai';
    expect(today(morningInShanghai)).toBe('2026-12-04');
    process.env.TZ = 'America/Chicago';
    expect(today(new Date('2026-12-04T03:00:00Z'))).toBe('2026-12-03');
    process.env.TZ = 'UTC';
    expect(today(morningInShanghai)).toBe('2026-12-03');
  });
});
