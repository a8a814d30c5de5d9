import { join } from 'node:path';
import type { HubEnv } from '../config/env.ts';
import { createSecretBox, loadMasterKey, type SecretBox } from '../security/secret-box.ts';
import type { Db } from './db.ts';
import { createPgliteDb } from './drivers/pglite.ts';
import { createPostgresDb } from './drivers/postgres.ts';
import { migrate } from './migrate.ts';
import { type ConnectionsRepo, createConnectionsRepo } from './repos/connections.ts';

export interface Store {
  db: Db;
  box: SecretBox;
  connections: ConnectionsRepo;
  close(): Promise<void>;
}

export interface OpenStoreOptions {
  /** PostgreSQL URL; absent means embedded PGlite. */
  databaseUrl?: string;
  /** Data folder for PGlite and the generated master key. */
  dataDir: string;
  /** Keep the embedded database in memory (tests). */
  inMemory?: boolean;
  masterKey?: string;
  migrate?: boolean;
}

export async function openStore(options: OpenStoreOptions): Promise<Store> {
  const db = options.databaseUrl
    ? createPostgresDb({ connectionString: options.databaseUrl })
    : await createPgliteDb(options.inMemory ? undefined : join(options.dataDir, 'pglite'));
  if (options.migrate !== false) await migrate(db);
  const box = createSecretBox(loadMasterKey({ masterKey: options.masterKey, dataDir: options.dataDir }));
  return {
    db,
    box,
    connections: createConnectionsRepo(db, box),
    close: () => db.close(),
  };
}

export function storeOptionsFromEnv(env: HubEnv): OpenStoreOptions {
  return { databaseUrl: env.DATABASE_URL, dataDir: env.HUB_DATA_DIR, masterKey: env.HUB_MASTER_KEY };
}

export type { Db, Queryable } from './db.ts';
