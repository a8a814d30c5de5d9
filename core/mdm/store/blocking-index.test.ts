import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { storeDrivers } from '../../../tests/support/drivers.ts';
import type { Queryable } from '../../store/db.ts';
import type { Store } from '../../store/index.ts';
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

/** `n` golden customers with ids that sort in `prefix` order, each indexed under `keys`. */
async function indexed(store: Store, prefix: string, n: number, keys: string[], live: boolean) {
  await store.db.query(
    `WITH g AS (
       INSERT INTO golden_records (id, entity, version, body, source_system, deleted)
       SELECT ($1 || lpad(to_hex(i), 12, '0'))::uuid, 'customer', 1, '{}'::jsonb, 'crm', NOT $3
       FROM generate_series(1, $2::int) i RETURNING id)
     INSERT INTO mdm_blocking_keys (entity, key, canonical_id) SELECT 'customer', k, g.id FROM g, unnest($4::text[]) k`,
    [prefix, n, live, keys],
  );
}

describe.each(storeDrivers())('findCandidates on $name', (driver) => {
  let store: Store;
  beforeEach(async () => {
    store = await driver.open();
  });
  afterEach(async () => store?.close());

  it('does not let records no longer live fill a key up to the cap', async () => {
    // Their ids sort first: the index hands them out before the live one.
    await indexed(store, '00000000-0000-4000-8000-', 51, ['phone|1'], false);
    await indexed(store, 'ffffffff-0000-4000-8000-', 1, ['phone|1'], true);
    const found = await findCandidates(store.db, 'customer', [['phone|1']]);
    expect(found.saturated.has('phone|1')).toBe(false);
    expect(found.perRecord[0]).toEqual(['ffffffff-0000-4000-8000-000000000001']);
    expect(found.versions.get('ffffffff-0000-4000-8000-000000000001')).toBe(1);
  });

  it('does not let records no longer live push a live one out of the ranking', async () => {
    await indexed(store, '00000000-0000-4000-8000-', 12, ['name|acme', 'city|ningbo'], false);
    await indexed(store, 'ffffffff-0000-4000-8000-', 1, ['name|acme'], true);
    const found = await findCandidates(store.db, 'customer', [['name|acme', 'city|ningbo']]);
    expect(found.perRecord[0]).toEqual(['ffffffff-0000-4000-8000-000000000001']);
  });

  it('reads the live records of a key through the indexes, not by scanning the golden records', async () => {
    await indexed(store, '10000000-0000-4000-8000-', 20_000, ['country|cn'], true);
    await store.db.query(
      `INSERT INTO mdm_blocking_keys (entity, key, canonical_id)
       SELECT 'customer', 'phone|' || right(id::text, 12), id FROM golden_records`,
    );
    await store.db.query('ANALYZE golden_records');
    await store.db.query('ANALYZE mdm_blocking_keys');
    const statements: Array<{ sql: string; params?: unknown[] }> = [];
    const recorder: Queryable = {
      async query<R>(sql: string, params?: unknown[]) {
        statements.push({ sql, params });
        return { rows: [] as R[], rowCount: 0 };
      },
      async exec() {},
    };
    const keySets = Array.from({ length: 200 }, (_, i) => [
      `phone|${(i + 1).toString(16).padStart(12, '0')}`,
    ]);
    await findCandidates(recorder, 'customer', keySets);
    const { rows } = await store.db.query<{ 'QUERY PLAN': string }>(
      `EXPLAIN ${statements[0]!.sql}`,
      statements[0]!.params,
    );
    const plan = rows.map((row) => row['QUERY PLAN']).join('\n');
    expect(plan).toMatch(/Index Scan using golden_records_pkey on golden_records/);
    expect(plan).not.toMatch(/Seq Scan on golden_records/);
  });
});
