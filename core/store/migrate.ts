import { Umzug } from 'umzug';
import { logger } from '../log/logger.ts';
import type { Db } from './db.ts';
import * as core from './migrations/0001-core.ts';
import * as sync from './migrations/0002-sync.ts';
import * as mdmFlows from './migrations/0003-mdm-flows.ts';
import * as adminAuth from './migrations/0004-admin-auth.ts';
import * as mdmIndex from './migrations/0005-mdm-index.ts';
import * as flows from './migrations/0006-flows.ts';
import * as webhookBatches from './migrations/0007-webhook-batches.ts';
import * as outboxBatches from './migrations/0008-outbox-batches.ts';
import * as createClaims from './migrations/0009-create-claims.ts';
import * as failureFingerprints from './migrations/0010-failure-fingerprints.ts';
import * as flowRunLeases from './migrations/0011-flow-run-leases.ts';
import * as hotPathIndexes from './migrations/0012-hot-path-indexes.ts';
import * as deletedConnectionLeftovers from './migrations/0013-deleted-connection-leftovers.ts';
import * as matchPairOrder from './migrations/0014-match-pair-order.ts';
import * as parkedMappingVersion from './migrations/0015-parked-mapping-version.ts';
import * as mintCounts from './migrations/0016-mint-counts.ts';
import * as xrefConnectionIndex from './migrations/0017-xref-connection-index.ts';
import * as flowWaitingRuns from './migrations/0018-flow-waiting-runs.ts';
import * as connectionSecretsVersion from './migrations/0019-connection-secrets-version.ts';

const migrations = [
  core,
  sync,
  mdmFlows,
  adminAuth,
  mdmIndex,
  flows,
  webhookBatches,
  outboxBatches,
  createClaims,
  failureFingerprints,
  flowRunLeases,
  hotPathIndexes,
  deletedConnectionLeftovers,
  matchPairOrder,
  parkedMappingVersion,
  mintCounts,
  xrefConnectionIndex,
  flowWaitingRuns,
  connectionSecretsVersion,
];
// Any stable number: every process that migrates the same database takes this advisory lock.
const MIGRATION_LOCK_ID = 727_001;

function createUmzug(db: Db) {
  return new Umzug({
    migrations: migrations.map((migration) => ({
      name: migration.name,
      up: () => db.transaction((tx) => tx.exec(migration.up)),
    })),
    storage: {
      async executed() {
        await db.exec(
          'CREATE TABLE IF NOT EXISTS hub_migrations (name text PRIMARY KEY, run_at timestamptz NOT NULL DEFAULT now())',
        );
        const { rows } = await db.query<{ name: string }>('SELECT name FROM hub_migrations ORDER BY name');
        return rows.map((row) => row.name);
      },
      async logMigration({ name }) {
        await db.query('INSERT INTO hub_migrations (name) VALUES ($1)', [name]);
      },
      async unlogMigration({ name }) {
        await db.query('DELETE FROM hub_migrations WHERE name = $1', [name]);
      },
    },
    logger: undefined,
  });
}

/** Brings the schema up to date; safe to call from many processes at once. */
export async function migrate(db: Db): Promise<string[]> {
  const run = async () => {
    const applied = await createUmzug(db).up();
    const names = applied.map((migration) => migration.name);
    if (names.length > 0) logger.info('migrations applied', { migrations: names, driver: db.driver });
    return names;
  };
  if (db.driver !== 'postgres') return run();
  return db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_ID]);
    return run();
  });
}
