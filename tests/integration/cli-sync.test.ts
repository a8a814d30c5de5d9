import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { csv } from '../../connectors/csv/index.ts';
import type { Connector } from '../../core/connector/types.ts';
import type { Store } from '../../core/store/index.ts';
import { listRuns, type SyncRun } from '../../core/sync/runs.ts';
import { withSearchPath } from '../support/child-process.ts';
import { openPostgresStore, TEST_MASTER_KEY } from '../support/drivers.ts';
import { eventually } from '../support/test-hub.ts';

const databaseUrl = process.env.DATABASE_URL;
const dataDir = mkdtempSync(join(tmpdir(), 'thub-cli-sync-'));

type Exit = { code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string };

function thubSync(url: string, connectionId: string): ChildProcess & { exited: Promise<Exit> } {
  const child = spawn('node', ['bin/thub.js', 'sync', connectionId, 'suppliers', '--full'], {
    env: {
      ...process.env,
      DATABASE_URL: url,
      REDIS_URL: '',
      HUB_MASTER_KEY: TEST_MASTER_KEY,
      HUB_DATA_DIR: dataDir,
      LOG_LEVEL: 'error',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk) => (stdout += chunk));
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise<Exit>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
  return Object.assign(child, { exited });
}

/** A CSV of `rows` suppliers in a folder of its own; the fifth has an email that fails validation. */
function supplierFile(rows: number): string {
  const folder = join(dataDir, `drop-${rows}`);
  mkdirSync(folder);
  const lines = ['Supplier no,Name,Email'];
  for (let n = 1; n <= rows; n++)
    lines.push(`SUP-${n},Supplier ${n} GmbH,${n === 5 ? 'not an email' : `orders${n}@supplier.example`}`);
  writeFileSync(join(folder, 'suppliers.csv'), `${lines.join('\n')}\n`);
  return folder;
}

async function saveCsvConnection(store: Store, id: string, rows: number): Promise<void> {
  const config = {
    source: { type: 'folder', path: supplierFile(rows) },
    completion: { mode: 'stable', stableForMs: 0 },
    streams: [
      {
        name: 'suppliers',
        entity: 'supplier',
        direction: 'import',
        pattern: 'suppliers*.csv',
        columns: { 'Supplier no': 'code', Name: 'name', Email: 'email' },
        idField: 'code',
        pageSize: 100,
      },
    ],
  };
  await store.connections.save(
    { id, kind: 'csv', name: id, config },
    (csv as Connector<unknown>).configSchema,
  );
}

describe.skipIf(!databaseUrl)('thub sync', () => {
  let store: Store;
  let url: string;
  const latestRun = async (connectionId: string): Promise<SyncRun | undefined> =>
    (await listRuns(store.db, { connectionId })).items[0];
  beforeAll(async () => {
    store = await openPostgresStore(databaseUrl!);
    const { rows } = await store.db.query<{ schema: string }>('SELECT current_schema() AS schema');
    url = withSearchPath(databaseUrl!, rows[0]!.schema);
    await saveCsvConnection(store, 'small-drop', 300);
    await saveCsvConnection(store, 'large-drop', 20_000);
  });
  afterAll(async () => {
    await store?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('exits 3 when the run is partial', async () => {
    const { code, stdout, stderr } = await thubSync(url, 'small-drop').exited;
    expect(stdout, stderr).not.toBe('');
    expect(JSON.parse(stdout)).toMatchObject({ status: 'partial', counts: { read: 300, failed: 1 } });
    expect(code).toBe(3);
  }, 60_000);

  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)(
    'on %s stops the run, records it and exits %i',
    async (signal, exitCode) => {
      const previous = (await latestRun('large-drop'))?.id;
      const child = thubSync(url, 'large-drop');
      try {
        await eventually(
          async () => {
            const run = await latestRun('large-drop');
            return run?.id !== previous && run?.status === 'running' && run.counts.read >= 100;
          },
          60_000,
          'the run to read 100 records',
        );
      } catch (error) {
        child.kill('SIGKILL');
        throw error;
      }
      child.kill(signal);
      const exit = await child.exited;
      expect(exit, exit.stderr).toMatchObject({ code: exitCode, signal: null });
      const run = (await latestRun('large-drop'))!;
      expect(run.status).not.toBe('running');
      expect(run.finishedAt).not.toBeNull();
      expect(run.counts.read).toBeLessThan(20_000);
    },
    90_000,
  );
});
