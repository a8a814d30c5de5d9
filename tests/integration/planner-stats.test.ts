import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../core/store/index.ts';
import { noteRowsWritten } from '../../core/store/planner-stats.ts';
import { openPostgresStore } from '../support/drivers.ts';

const databaseUrl = process.env.DATABASE_URL;

describe.skipIf(!databaseUrl)('planner statistics during a bulk load (postgres)', () => {
  let store: Store;
  beforeAll(async () => {
    store = await openPostgresStore(databaseUrl!);
  });
  afterAll(() => store.close());

  const lastAnalyzed = async () => {
    const { rows } = await store.db.query<{ analyzed: string | null }>(
      `SELECT last_analyze::text AS analyzed FROM pg_stat_user_tables WHERE schemaname = current_schema() AND relname = 'xref'`,
    );
    return rows[0]?.analyzed ?? null;
  };

  it('analyzes the sync tables once enough rows were written, not for every page', async () => {
    noteRowsWritten(store.db, 500);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await lastAnalyzed()).toBeNull();
    noteRowsWritten(store.db, 1_500);
    const deadline = Date.now() + 10_000;
    while ((await lastAnalyzed()) === null && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await lastAnalyzed()).not.toBeNull();
  });
});
