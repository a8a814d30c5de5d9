import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Connector } from '../../core/connector/types.ts';
import { writeNow, writeOneNow } from '../../core/flow/targets.ts';
import { createMemoryQueue } from '../../core/queue/memory-driver.ts';
import { runSync } from '../../core/sync/run-sync.ts';
import { storeDrivers } from '../support/drivers.ts';
import {
  lookUpThenCreate,
  type MemorySystem,
  memoryConnector,
  memorySystem,
} from '../support/memory-system.ts';
import { startTestHub, type TestHub } from '../support/test-hub.ts';
import { canonicalIdOf, connectCrmAndErp, goldenVersionOf } from './flow-fixture.ts';

// Flow steps write through writeNow: they need the target's answer at once, so they cannot be
// queued behind another job, yet they must keep the sync engine's promises.

const roundTrip = () => new Promise((resolve) => setTimeout(resolve, 40));

/** The memory connector, creating customers as Odoo does: a look-up by hub id, then a create (two calls). */
const odooLikeCustomers = {
  ...memoryConnector,
  write: (ctx, stream, ops) =>
    stream === 'customers'
      ? lookUpThenCreate(memorySystem(ctx.config.system), stream, ops, roundTrip)
      : memoryConnector.write!(ctx, stream, ops),
} as typeof memoryConnector;

describe.each(storeDrivers())('direct writes on $name', (driver) => {
  let test: TestHub;
  let crm: MemorySystem;
  let erp: MemorySystem;
  beforeEach(async () => {
    test = await startTestHub({
      store: await driver.open(),
      queue: createMemoryQueue(),
      connectors: [odooLikeCustomers as Connector<unknown>],
      workers: false,
    });
    ({ crm, erp } = await connectCrmAndErp(test.hub, 'direct'));
  });
  afterEach(async () => {
    await test.stop();
  });

  const syncedCustomer = async (name: string) => {
    crm.put('customers', { id: 'C-1', name });
    await runSync(test.hub, { connectionId: 'crm', stream: 'customers' });
    const canonicalId = await canonicalIdOf(test.hub, 'customer', 'crm', 'C-1');
    return { canonicalId, version: await goldenVersionOf(test.hub, canonicalId) };
  };

  it('creates a new record once when two flow steps write it at the same time', async () => {
    const { canonicalId, version } = await syncedCustomer('Hengda Auto Parts');
    const connection = await test.hub.store.connections.get('erp');
    const write = () => writeOneNow(test.hub, connection, 'customer', canonicalId, version);
    const [first, second] = await Promise.all([write(), write()]);
    expect(erp.list('customers')).toHaveLength(1);
    expect(first).toBe(erp.list('customers')[0]!.id);
    expect(second).toBe(first);
  });

  it('counts a record as written when a newer version of it reached the target', async () => {
    const older = await syncedCustomer('Hengda Auto Parts');
    const newer = await syncedCustomer('Hengda Auto Parts Ltd');
    expect(newer.version).toBeGreaterThan(older.version);
    const connection = await test.hub.store.connections.get('erp');
    // The newest version goes out, whichever one the step recorded.
    const written = await writeNow(test.hub, connection, 'customer', [older]);
    expect(erp.list('customers')).toMatchObject([{ name: 'Hengda Auto Parts Ltd' }]);
    expect(written.get(older.canonicalId)).toBe(erp.list('customers')[0]!.id);
    // A replay of the step asks for the same older version again.
    expect(await writeNow(test.hub, connection, 'customer', [older])).toEqual(written);
  });
});
