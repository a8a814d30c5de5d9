import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { createBullmqQueue } from '../../core/queue/bullmq-driver.ts';
import { createMemoryQueue } from '../../core/queue/memory-driver.ts';
import type { QueuePort } from '../../core/queue/port.ts';
import { removeQueuePrefix } from '../../core/queue/remove-keys.ts';
import { openStore, type Store } from '../../core/store/index.ts';

export const TEST_MASTER_KEY = randomBytes(32).toString('hex');

export interface StoreDriver {
  name: 'pglite' | 'postgres';
  open(): Promise<Store>;
}

/** Runs in CI with the services, and locally whenever DATABASE_URL is set. */
export function storeDrivers(): StoreDriver[] {
  const drivers: StoreDriver[] = [{ name: 'pglite', open: openEmbeddedStore }];
  if (process.env.DATABASE_URL)
    drivers.push({ name: 'postgres', open: () => openPostgresStore(process.env.DATABASE_URL!) });
  return drivers;
}

export function openEmbeddedStore(): Promise<Store> {
  return openStore({
    dataDir: mkdtempSync(join(tmpdir(), 'thub-test-')),
    inMemory: true,
    masterKey: TEST_MASTER_KEY,
  });
}

/** A fresh schema per store, so test files never see each other's rows. */
export async function openPostgresStore(databaseUrl: string): Promise<Store> {
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: databaseUrl });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  await admin.end();
  const url = new URL(databaseUrl);
  url.searchParams.set('options', `-c search_path=${schema}`);
  const store = await openStore({
    databaseUrl: url.toString(),
    dataDir: tmpdir(),
    masterKey: TEST_MASTER_KEY,
  });
  const close = store.close;
  store.close = async () => {
    await close();
    const cleanup = new pg.Client({ connectionString: databaseUrl });
    await cleanup.connect();
    await cleanup.query(`DROP SCHEMA ${schema} CASCADE`);
    await cleanup.end();
  };
  return store;
}

export async function tableCounts(store: Store): Promise<Record<string, number>> {
  const { rows } = await store.db.query<{ table_name: string }>(
    `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name`,
  );
  const counts: Record<string, number> = {};
  for (const { table_name } of rows) {
    const result = await store.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM "${table_name}"`);
    counts[table_name] = result.rows[0]!.n;
  }
  return counts;
}

export interface QueueDriver {
  name: 'memory' | 'bullmq';
  open(): QueuePort;
}

/** The in-process queue always; BullMQ on the real Redis when REDIS_URL is set (always in CI). */
export function queueDrivers(): QueueDriver[] {
  const drivers: QueueDriver[] = [{ name: 'memory', open: () => createMemoryQueue() }];
  if (process.env.REDIS_URL) {
    drivers.push({ name: 'bullmq', open: () => openTestBullmqQueue(process.env.REDIS_URL!) });
  }
  return drivers;
}

/** BullMQ under a prefix of its own, whose keys are removed from Redis when it closes. */
export function openTestBullmqQueue(
  redisUrl: string,
  prefix = `thub-test-${randomBytes(4).toString('hex')}`,
): QueuePort {
  const queue = createBullmqQueue({ redisUrl, prefix });
  const close = queue.close.bind(queue);
  queue.close = async () => {
    await close();
    await removeQueuePrefix(redisUrl, prefix);
  };
  return queue;
}
