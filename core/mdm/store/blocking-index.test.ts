import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Queryable } from '../../store/db.ts';
import { findCandidates } from './blocking-index.ts';

/** Answers every lookup with `common` reported as saturated, and records the keys asked for. */
function fakeIndex(common: string) {
  const asked: string[][] = [];
  const db: Queryable = {
    async query<R>(_sql: string, params?: unknown[]) {
      const keys = (params?.[2] ?? []) as string[];
      asked.push(keys);
      const rows = keys.includes(common)
        ? [{ idx: null, canonical_id: null, version: null, saturated: common }]
        : [];
      return { rows: rows as R[], rowCount: rows.length };
    },
    async exec() {},
  };
  return { db, asked };
}

describe('findCandidates', () => {
  afterEach(() => vi.useRealTimers());

  it('does not look up again, for a while, a key this process found saturated', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const { db, asked } = fakeIndex('name:co');
    const first = await findCandidates(db, 'supplier', [['name:co', 'name:hengda']]);
    expect(first.saturated.has('name:co')).toBe(true);

    // A webhook drain carries no run's knowledge: the process remembers the key for it.
    const later = await findCandidates(db, 'supplier', [['name:co', 'name:yongli']]);
    expect(asked[1]).toEqual(['name:yongli']);
    expect(later.saturated.has('name:co')).toBe(true);

    // Deletes and merges may shrink a key again: after a while it is looked up once more.
    vi.setSystemTime(Date.now() + 11 * 60_000);
    await findCandidates(db, 'supplier', [['name:co']]);
    expect(asked[2]).toEqual(['name:co']);
  });
});
