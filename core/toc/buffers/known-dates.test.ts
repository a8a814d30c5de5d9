import { describe, expect, it } from 'vitest';
import { isoDateSchema } from '../calendar.ts';
import { knownIsoDateSchema } from './known-dates.ts';

function messageOf(value: unknown): string | undefined {
  const result = knownIsoDateSchema.safeParse(value);
  return result.success ? undefined : result.error.issues[0].message;
}

describe('knownIsoDateSchema', () => {
  it('accepts and rejects exactly what the calendar schema does, with its messages', () => {
    for (const value of ['2026-02-28', '2024-02-29', '2026-02-30', '2025-02-29', '16/03/2026', '2026-3-1']) {
      const expected = isoDateSchema.safeParse(value);
      expect(knownIsoDateSchema.safeParse(value).success).toBe(expected.success);
      expect(messageOf(value)).toBe(expected.success ? undefined : expected.error.issues[0].message);
    }
  });

  it('keeps accepting a remembered date and rejecting non-strings', () => {
    expect(messageOf('2026-03-16')).toBeUndefined();
    expect(messageOf('2026-03-16')).toBeUndefined();
    expect(messageOf(20260316)).toMatch(/string/);
  });
});
