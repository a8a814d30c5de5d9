import { afterEach, describe, expect, it } from 'vitest';
import { storeDrivers } from '../../tests/support/drivers.ts';
import { memoryConnector, memorySystem } from '../../tests/support/memory-system.ts';
import { eventually } from '../../tests/support/test-hub.ts';
import { loadEnv } from '../config/env.ts';
import type { Connector } from '../connector/types.ts';
import { createMemoryQueue } from '../queue/memory-driver.ts';
import { type Hub, openHub } from '../runtime/hub.ts';
import { runSync } from './run-sync.ts';
import { getRun } from './runs.ts';
import { STREAM_LEASE_LOST } from './stream-lock.ts';

// A run whose lease lapsed (its renewals came late) may be taken over by another worker: it must
// then stop without committing another page, and leave the 'abandoned' status the new run gave it.

const PAGE = 5;
const RECORDS = 60;

describe.each(storeDrivers())('a sync run that lost its stream lease ($name)', (driver) => {
  let hub: Hub | undefined;
  afterEach(async () => {
    await hub?.close();
    hub = undefined;
  });

  it('stops committing once another worker took the stream over, and stays abandoned', async () => {
    hub = await openHub(loadEnv({}), {
      store: await driver.open(),
      queue: createMemoryQueue(),
      connectors: [memoryConnector as Connector<unknown>],
      mappingsRoot: 'tests/support/mappings',
    });
    const { db } = hub.store;
    const system = `lease-lost-${driver.name}-${Date.now()}-${Math.random()}`;
    await hub.store.connections.save(
      { id: 'crm', kind: 'memory', name: 'CRM', config: { system, pageSize: PAGE, pageDelayMs: 100 } },
      memoryConnector.configSchema,
    );
    for (let i = 0; i < RECORDS; i++)
      memorySystem(system).put('customers', { id: `C-${i}`, name: `Customer ${i}` });

    const first = runSync(hub, { connectionId: 'crm', stream: 'customers' });
    first.catch(() => undefined);
    const firstId = await eventually(
      async () => {
        const { rows } = await db.query<{ id: string; read: number }>(
          `SELECT id, (counts->>'read')::int AS read FROM sync_runs WHERE status = 'running'`,
        );
        return rows[0] && rows[0].read >= PAGE ? rows[0].id : undefined;
      },
      15_000,
      'the first run to commit a page',
    );
    // Its renewals came late: the lease ran out, and another worker takes the stream over.
    await db.query(`UPDATE stream_locks SET expires_at = now() - interval '1 millisecond'`);
    const second = await runSync(hub, { connectionId: 'crm', stream: 'customers' });
    const readAtTakeOver = (await getRun(db, firstId))!.counts.read;

    await expect(first).rejects.toMatchObject({ code: STREAM_LEASE_LOST });
    const firstRun = (await getRun(db, firstId))!;
    expect(firstRun.counts.read - readAtTakeOver, 'records committed after the take-over').toBe(0);
    expect(firstRun.status).toBe('abandoned');
    expect(second.status).toBe('succeeded');
    const { rows } = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM source_records WHERE connection_id = 'crm'`,
    );
    expect(rows[0]!.n).toBe(RECORDS);
  }, 60_000);
});

// A connection's delete refuses while a stream of it is leased; one that comes between a run's
// read of the connection and its lease of the stream must keep the run from starting at all.

describe.each(storeDrivers())('a sync run of a connection deleted as it starts ($name)', (driver) => {
  let hub: Hub | undefined;
  afterEach(async () => {
    await hub?.close();
    hub = undefined;
  });

  it('does not start a run of a connection deleted after the run read it', async () => {
    hub = await openHub(loadEnv({}), {
      store: await driver.open(),
      queue: createMemoryQueue(),
      connectors: [memoryConnector as Connector<unknown>],
      mappingsRoot: 'tests/support/mappings',
    });
    const system = `deleted-at-start-${driver.name}-${Date.now()}-${Math.random()}`;
    const { connections } = hub.store;
    await connections.save(
      { id: 'crm', kind: 'memory', name: 'CRM', config: { system } },
      memoryConnector.configSchema,
    );
    memorySystem(system).put('customers', { id: 'C-1', name: 'Customer 1' });
    // The connection is deleted between the run's read of it and its lease of the stream.
    const read = connections.get;
    connections.get = async (id) => {
      const connection = await read(id);
      await connections.remove(id);
      return connection;
    };
    await expect(runSync(hub, { connectionId: 'crm', stream: 'customers' })).rejects.toMatchObject({
      code: 'connection_not_found',
    });
    const { rows } = await hub.store.db.query<{ n: number }>(
      `SELECT (SELECT count(*) FROM source_records)::int + (SELECT count(*) FROM stream_locks)::int
         + (SELECT count(*) FROM sync_runs)::int AS n`,
    );
    expect(rows[0]!.n, 'source records, leases and runs left').toBe(0);
  });
});
