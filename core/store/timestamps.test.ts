import { describe, expect, it } from 'vitest';
import { timestampToIso } from './db.ts';

describe('timestampToIso', () => {
  it('rewrites UTC text from PostgreSQL to ISO with milliseconds, as a Date would', () => {
    expect(timestampToIso('2026-11-22 03:02:16.151999+00')).toBe('2026-11-22T03:02:16.151Z');
    expect(timestampToIso('2026-11-22 03:02:16+00')).toBe('2026-11-22T03:02:16.000Z');
    expect(timestampToIso('2026-11-22 03:02:16.1+00')).toBe('2026-11-22T03:02:16.100Z');
  });

  it('converts other offsets and zone-less text through a Date', () => {
    expect(timestampToIso('2026-11-22 05:02:16.1+02')).toBe('2026-11-22T03:02:16.100Z');
    expect(timestampToIso('2026-11-22 08:32:16+05:30')).toBe('2026-11-22T03:02:16.000Z');
    expect(timestampToIso('2026-11-22 03:02:16')).toBe('2026-11-22T03:02:16.000Z');
  });
});
