import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Queryable, QueryResult } from '../../core/store/db.ts';
import type { Store } from '../../core/store/index.ts';
import { abandonUnleasedRuns } from '../../core/sync/runs.ts';
import { targetIdsWritten } from '../../core/sync/write-results.ts';
import { storeDrivers } from '../support/drivers.ts';

// The queries every flow write (targetIdsWritten) and every GET of the runs API
// (abandonUnleasedRuns) make must not scan tables that grow with the hub's history.

/** The plan of the one statement `call` makes (it does not run: EXPLAIN without ANALYZE). */
async function planOf(store: Store, call: (db: Queryable) => Promise<unknown>): Promise<string> {
  const statements: Array<{ sql: string; params?: unknown[] }> = [];
  const recorder: Queryable = {
    async query<R>(sql: string, params?: unknown[]) {
      statements.push({ sql, params });
      return { rows: [] as R[], rowCount: 0 } as unknown as QueryResult<R>;
    },
    exec: async () => undefined,
  };
  await call(recorder);
  expect(statements).toHaveLength(1);
  const { rows } = await store.db.query<{ 'QUERY PLAN': string }>(
    `EXPLAIN ${statements[0]!.sql}`,
    statements[0]!.params,
  );
  return rows.map((row) => row['QUERY PLAN']).join('\n');
}

async function fillHistory(store: Store) {
  await store.db.query(`INSERT INTO outbound_writes (idempotency_key, connection_id, stream, canonical_id, version, external_id, content_hash, status)
    SELECT c || ':customers:' || r || ':' || v, c, 'customers', ('00000000-0000-4000-8000-' || lpad(to_hex(r), 12, '0'))::uuid,
      v, 'X' || r, 'h', 'done'
    FROM generate_series(1, 10000) r, generate_series(1, 5) v, unnest(ARRAY['erp', 'crm']) c`);
  await store.db.query(`INSERT INTO sync_runs (id, connection_id, stream, mode, status, counts, started_at, finished_at)
    SELECT gen_random_uuid(), 'crm', 's' || (g % 20), 'incremental', 'succeeded', '{}'::jsonb, now(), now()
    FROM generate_series(1, 50000) g`);
  await store.db.query('ANALYZE outbound_writes');
  await store.db.query('ANALYZE sync_runs');
}

describe.each(storeDrivers())('hot-path indexes ($name)', (driver) => {
  let store: Store;
  beforeAll(async () => {
    store = await driver.open();
  });
  afterAll(async () => store?.close());

  it('exist after migrating', async () => {
    const { rows } = await store.db.query<{ indexname: string; indexdef: string }>(
      `SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema()
         AND indexname IN ('outbound_writes_done_record', 'sync_runs_running') ORDER BY indexname`,
    );
    expect(rows.map((row) => row.indexname)).toEqual(['outbound_writes_done_record', 'sync_runs_running']);
    expect(rows[0]!.indexdef).toMatch(
      /\(connection_id, stream, canonical_id, version DESC\) WHERE \(status = 'done'/,
    );
    expect(rows[1]!.indexdef).toMatch(/\(connection_id, stream\) WHERE \(status = 'running'/);
  });

  it.runIf(driver.name === 'postgres')(
    'are what the planner uses on a hub with history',
    async () => {
      await fillHistory(store);
      const written = await planOf(store, (db) =>
        targetIdsWritten(db, {
          connectionId: 'erp',
          stream: 'customers',
          items: [{ canonicalId: '00000000-0000-4000-8000-000000000007', version: 5 }],
        }),
      );
      expect(written).toContain('outbound_writes_done_record');
      expect(written).not.toMatch(/Seq Scan on outbound_writes/);
      const abandon = await planOf(store, abandonUnleasedRuns);
      expect(abandon).toContain('sync_runs_running');
      expect(abandon).not.toMatch(/Seq Scan on sync_runs/);
    },
    60_000,
  );
});
