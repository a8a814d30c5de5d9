import { afterEach, describe, expect, it } from 'vitest';
import { loadEnv } from '../../core/config/env.ts';
import type { Connector } from '../../core/connector/types.ts';
import { createMemoryQueue } from '../../core/queue/memory-driver.ts';
import { type Hub, openHub } from '../../core/runtime/hub.ts';
import type { Queryable } from '../../core/store/db.ts';
import { runSync } from '../../core/sync/run-sync.ts';
import { abandonUnleasedRuns, getRun, startRun } from '../../core/sync/runs.ts';
import { leaseRenewalMs } from '../../core/sync/stream-lock.ts';
import { storeDrivers } from '../support/drivers.ts';
import { memoryConnector, memorySystem } from '../support/memory-system.ts';

const LEASE_MS = 1000;

/** A run whose stream lease (LEASE_MS long) ended `expiredMs` ago. */
async function runWithLeaseExpired(db: Queryable, stream: string, expiredMs: number): Promise<string> {
  await db.query(
    `INSERT INTO stream_locks (connection_id, stream, owner, expires_at, grace_ms)
     VALUES ('crm', $1, 'a worker', now() - $2 * interval '1 millisecond', $3)`,
    [stream, expiredMs, leaseRenewalMs(LEASE_MS)],
  );
  return startRun(db, { connectionId: 'crm', stream, mode: 'incremental' });
}

describe.each(storeDrivers())('a live run with HUB_STREAM_LEASE_MS=1000 ($name)', (driver) => {
  let hub: Hub | undefined;
  afterEach(async () => {
    await hub?.close();
    hub = undefined;
  });

  const openTestHub = async () => {
    hub = await openHub(loadEnv({ HUB_STREAM_LEASE_MS: String(LEASE_MS) }), {
      store: await driver.open(),
      queue: createMemoryQueue(),
      connectors: [memoryConnector as Connector<unknown>],
      mappingsRoot: 'tests/support/mappings',
    });
    return hub;
  };

  it('is never shown as abandoned while it runs, however often the runs API is read', async () => {
    const { store } = await openTestHub();
    const system = `crm-live-lease-${driver.name}-${Date.now()}`;
    await store.connections.save(
      {
        id: 'crm',
        kind: 'memory',
        name: 'CRM',
        config: { system, pageSize: 5, pageDelayMs: 100 },
        options: {},
      },
      memoryConnector.configSchema,
    );
    for (let i = 0; i < 150; i++)
      memorySystem(system).put('customers', { id: `C-${i}`, name: `Customer ${i}`, currency: 'EUR' });
    let running = true;
    let abandonedWhileLive = 0;
    const run = runSync(hub!, { connectionId: 'crm', stream: 'customers' }).finally(() => {
      running = false;
    });
    while (running) {
      await abandonUnleasedRuns(store.db);
      const { rows } = await store.db.query(`SELECT 1 FROM sync_runs WHERE status = 'abandoned'`);
      if (running && rows.length > 0) abandonedWhileLive++;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    expect((await run).status).toBe('succeeded');
    expect(abandonedWhileLive).toBe(0);
  }, 60_000);

  it('keeps a run whose lease ended less than a renewal ago, and abandons it after', async () => {
    const { store } = await openTestHub();
    const late = await runWithLeaseExpired(store.db, 'customers', 100);
    const dead = await runWithLeaseExpired(store.db, 'contacts', LEASE_MS);
    await abandonUnleasedRuns(store.db);
    expect((await getRun(store.db, late))?.status).toBe('running');
    expect((await getRun(store.db, dead))?.status).toBe('abandoned');
  });
});
