import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Connector } from '../../core/connector/types.ts';
import { writeNow, writeOneNow } from '../../core/flow/targets.ts';
import { createMemoryQueue } from '../../core/queue/memory-driver.ts';
import { runSync } from '../../core/sync/run-sync.ts';
import { storeDrivers } from '../support/drivers.ts';
import { type MemorySystem, memoryConnector, memorySystem } from '../support/memory-system.ts';
import { startTestHub, type TestHub } from '../support/test-hub.ts';
import { canonicalIdOf } from './flow-fixture.ts';

// Flow steps write through writeNow: they need the target's answer at once, so they cannot be
// queued behind another job, yet they must keep the sync engine's promises.

const roundTrip = () => new Promise((resolve) => setTimeout(resolve, 40));

/** The memory connector, creating customers as Odoo does: a look-up by hub id, then a create (two calls). */
const lookUpThenCreate = {
  ...memoryConnector,
  async write(ctx, stream, ops) {
    if (stream !== 'customers') return memoryConnector.write!(ctx, stream, ops);
    const system = memorySystem(ctx.config.system);
    const results = [];
    for (const op of ops) {
      await roundTrip();
      const existing = system
        .list(stream)
        .find((record) => record.hubId === op.canonicalId || record.id === op.externalId);
      if (!existing) await roundTrip();
      const record = system.put(stream, { ...op.record, id: existing?.id, hubId: op.canonicalId });
      results.push({
        ok: true as const,
        idempotencyKey: op.idempotencyKey,
        externalId: record.id,
        created: !existing,
      });
    }
    return results;
  },
} as typeof memoryConnector;

let run = 0;

describe.each(storeDrivers())('direct writes on $name', (driver) => {
  let test: TestHub;
  let crm: MemorySystem;
  let erp: MemorySystem;
  beforeEach(async () => {
    run++;
    test = await startTestHub({
      store: await driver.open(),
      queue: createMemoryQueue(),
      connectors: [lookUpThenCreate as Connector<unknown>],
      workers: false,
    });
    crm = memorySystem(`crm-direct-${run}-${Date.now()}`);
    erp = memorySystem(`erp-direct-${run}-${Date.now()}`);
    for (const [id, system] of [
      ['crm', crm],
      ['erp', erp],
    ] as const)
      await test.hub.store.connections.save(
        { id, kind: 'memory', name: id.toUpperCase(), config: { system: system.name } },
        memoryConnector.configSchema,
      );
  });
  afterEach(async () => {
    await test.stop();
  });

  const syncedCustomer = async (name: string) => {
    crm.put('customers', { id: 'C-1', name });
    await runSync(test.hub, { connectionId: 'crm', stream: 'customers' });
    const canonicalId = await canonicalIdOf(test.hub, 'customer', 'crm', 'C-1');
    const { rows } = await test.hub.store.db.query<{ version: number }>(
      'SELECT version FROM golden_records WHERE id = $1',
      [canonicalId],
    );
    return { canonicalId, version: rows[0]!.version };
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
