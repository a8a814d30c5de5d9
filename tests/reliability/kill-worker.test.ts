import { type ChildProcess, spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../core/store/index.ts';
import { openPostgresStore } from '../support/drivers.ts';
import { eventually } from '../support/test-hub.ts';

const databaseUrl = process.env.DATABASE_URL;

function startChild(url: string): ChildProcess & { output: Promise<string> } {
  const child = spawn('node', ['--import', 'tsx', 'tests/support/sync-child.ts'], {
    env: {
      ...process.env,
      DATABASE_URL: url,
      REDIS_URL: '',
      LOG_LEVEL: 'error',
      HUB_STREAM_LEASE_MS: '2000',
      SOURCE_RECORDS: '1000',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk) => (stdout += chunk));
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  const output = new Promise<string>((resolve, reject) => {
    child.on('exit', (code, signal) =>
      code === 0
        ? resolve(stdout)
        : signal
          ? resolve(`killed by ${signal}`)
          : reject(new Error(`child exited ${code}: ${stderr}`)),
    );
  });
  return Object.assign(child, { output });
}

const count = async (store: Store, sql: string) => (await store.db.query<{ n: number }>(sql)).rows[0]!.n;

describe.skipIf(!databaseUrl)('a worker killed with SIGKILL mid-run', () => {
  let store: Store;
  let url: string;
  beforeAll(async () => {
    store = await openPostgresStore(databaseUrl!);
    const { rows } = await store.db.query<{ schema: string }>('SELECT current_schema() AS schema');
    const parsed = new URL(databaseUrl!);
    parsed.searchParams.set('options', `-c search_path=${rows[0]!.schema}`);
    url = parsed.toString();
  });
  afterAll(async () => {
    await store?.close();
  });

  it('resumes after a restart with target equal to source and no duplicates', async () => {
    const first = startChild(url);
    await eventually(
      async () => (await count(store, 'SELECT count(*)::int AS n FROM golden_records')) >= 200,
      60_000,
      '200 records synced',
    );
    first.kill('SIGKILL');
    expect(await first.output).toBe('killed by SIGKILL');
    const before = await count(store, 'SELECT count(*)::int AS n FROM golden_records');
    expect(before).toBeLessThan(1000);
    expect(await count(store, `SELECT count(*)::int AS n FROM sync_runs WHERE status = 'running'`)).toBe(1);

    const second = startChild(url);
    const result = JSON.parse((await second.output).trim().split('\n').pop()!);
    expect(result.status).toBe('succeeded');
    expect(result.counts.read).toBe(1000 - before);
    expect(result.counts.created).toBe(1000 - before);

    expect(await count(store, 'SELECT count(*)::int AS n FROM golden_records')).toBe(1000);
    expect(await count(store, 'SELECT count(DISTINCT external_id)::int AS n FROM xref')).toBe(1000);
    expect(await count(store, 'SELECT count(*)::int AS n FROM xref')).toBe(1000);
    expect(await count(store, `SELECT count(*)::int AS n FROM change_log WHERE operation = 'create'`)).toBe(
      1000,
    );
    expect(await count(store, `SELECT count(*)::int AS n FROM source_records`)).toBe(1000);
    expect(await count(store, `SELECT count(*)::int AS n FROM sync_runs WHERE status = 'abandoned'`)).toBe(1);
  }, 180_000);
});
