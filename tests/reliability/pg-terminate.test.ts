import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isHubError } from '../../core/errors/index.ts';
import { createMemoryQueue } from '../../core/queue/memory-driver.ts';
import type { Store } from '../../core/store/index.ts';
import { runSync } from '../../core/sync/run-sync.ts';
import { openPostgresStore } from '../support/drivers.ts';
import { expectReconciled } from '../support/fault-checks.ts';
import { memoryConnector, memorySystem } from '../support/memory-system.ts';
import { startTestHub, type TestHub } from '../support/test-hub.ts';

const databaseUrl = process.env.DATABASE_URL;
const TOTAL = 400;

/** Backends holding locks on this schema's tables: the hub's own connections in a transaction. */
const lockingBackends = `SELECT DISTINCT l.pid FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
  JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relname = 'golden_records' AND l.pid <> pg_backend_pid()`;

describe.skipIf(!databaseUrl)('PostgreSQL connections dropped mid-transaction', () => {
  let store: Store;
  let test: TestHub;
  let admin: pg.Client;
  let schema: string;
  beforeAll(async () => {
    store = await openPostgresStore(databaseUrl!);
    schema = (await store.db.query<{ schema: string }>('SELECT current_schema() AS schema')).rows[0]!.schema;
    test = await startTestHub({ store, queue: createMemoryQueue(), workers: false });
    admin = new pg.Client({ connectionString: databaseUrl });
    await admin.connect();
  });
  afterAll(async () => {
    await admin?.end();
    await test?.stop();
  });

  const count = async (sql: string) => (await store.db.query<{ n: number }>(sql)).rows[0]!.n;

  async function syncUntilDone(): Promise<string[]> {
    const outcomes: string[] = [];
    for (let attempt = 0; attempt < 60; attempt++) {
      try {
        const run = await runSync(test.hub, { connectionId: 'crm', stream: 'customers' });
        outcomes.push(run.status);
        if (run.status === 'succeeded') return outcomes;
      } catch (error) {
        outcomes.push(isHubError(error) ? error.code : (error as Error).message);
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    throw new Error(`the sync never succeeded: ${outcomes.join(', ')}`);
  }

  it('rolls the page back and resumes with no gap and no duplicate', async () => {
    const sourceName = `pg-drop-${Date.now()}`;
    const source = memorySystem(sourceName);
    for (let n = 1; n <= TOTAL; n++)
      source.put('customers', { id: `P${n}`, name: `Dropped Connection ${n}`, email: `p${n}@example.com` });
    await store.connections.save(
      {
        id: 'crm',
        kind: 'memory',
        name: 'CRM',
        config: { system: sourceName, pageSize: 20, pageDelayMs: 5 },
      },
      memoryConnector.configSchema,
    );

    const run = runSync(test.hub, { connectionId: 'crm', stream: 'customers' }).then(
      (finished) => finished.status,
      (error: unknown) => (isHubError(error) ? error.code : String(error)),
    );
    let terminated = 0;
    let done = false;
    void run.then(() => (done = true));
    while (!done && terminated < 3) {
      const { rows } = await admin.query<{ pid: number }>(lockingBackends, [schema]);
      for (const { pid } of rows) {
        await admin.query('SELECT pg_terminate_backend($1)', [pid]);
        terminated++;
      }
      await new Promise((resolve) => setTimeout(resolve, rows.length ? 150 : 2));
    }
    const first = await run;
    expect(terminated).toBeGreaterThan(0);
    expect(first).not.toBe('succeeded');
    expect(await count('SELECT count(*)::int AS n FROM golden_records')).toBeLessThan(TOTAL);

    const outcomes = await syncUntilDone();
    expect(outcomes.at(-1)).toBe('succeeded');
    expect(await count('SELECT count(*)::int AS n FROM golden_records')).toBe(TOTAL);
    expect(await count('SELECT count(*)::int AS n FROM xref')).toBe(TOTAL);
    expect(await count('SELECT count(*)::int AS n FROM source_records')).toBe(TOTAL);
    expect(await count(`SELECT count(*)::int AS n FROM change_log WHERE operation = 'create'`)).toBe(TOTAL);
    expect(
      await count(
        `SELECT count(DISTINCT change->>'canonicalId')::int AS n FROM outbox, jsonb_array_elements(payload->'changes') AS change`,
      ),
    ).toBe(TOTAL);
    expect(await count(`SELECT sum(changes)::int AS n FROM outbox`)).toBe(TOTAL);
    await expectReconciled(test.hub, 'crm', 'customers');
  }, 180_000);
});
