import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findFlow } from '../../core/flow/catalog.ts';
import { replayFlowRun } from '../../core/flow/runner.ts';
import { saveFlowSettings } from '../../core/flow/settings.ts';
import { createMemoryQueue } from '../../core/queue/memory-driver.ts';
import { listFailures } from '../../core/sync/failures.ts';
import {
  canonicalIdOf,
  copyTo,
  putShippedOrder,
  runFlow,
  setUpPlant,
  syncAll,
} from '../../tests/integration/flow-fixture.ts';
import { storeDrivers } from '../../tests/support/drivers.ts';
import type { MemorySystem } from '../../tests/support/memory-system.ts';
import { startTestHub, type TestHub } from '../../tests/support/test-hub.ts';

describe.each(storeDrivers())('replenishment: a red purchased item without a supplier on $name', (driver) => {
  let test: TestHub;
  let erp: MemorySystem;
  beforeEach(async () => {
    test = await startTestHub({ store: await driver.open(), queue: createMemoryQueue(), workers: false });
    ({ erp } = await setUpPlant(test.hub));
    // 600 bolts used last month, 10 on hand, and no purchase order has ever named a supplier.
    putShippedOrder(erp, [{ itemId: 'I-BOLT', quantity: 600 }]);
    erp.put('stock_levels', { id: 'Q-2', itemId: 'I-BOLT', location: 'WH1', onHand: 10 });
    erp.put('suppliers', { id: 'V-1', name: 'Ningbo Fasteners' });
    await syncAll(test.hub, 'erp', ['customers', 'suppliers', 'sales_orders', 'stock_levels']);
    await copyTo(test.hub, 'crm', 'item');
  });
  afterEach(async () => {
    await test.stop();
  });

  const openFailures = async () =>
    (
      await listFailures(test.hub.store.db, {
        connectionId: 'flow:replenishment',
        stream: 'create-orders',
        state: 'open',
      })
    ).items;

  it('ends the run partial naming the item it could not order, files it once however often it runs, and resolves it once ordered', async () => {
    const bolt = await canonicalIdOf(test.hub, 'item', 'erp', 'I-BOLT');
    const first = await runFlow(test.hub, 'replenishment');
    // The buffers were annotated but the bolts not ordered: the run says so instead of succeeding.
    expect(first.status).toBe('partial');
    expect(first.context.partial).toEqual({
      'create-orders': {
        summary: 'not ordered: 1 of 1 items whose buffer asks for an order',
        undone: [
          {
            entity: 'item',
            id: bolt,
            reason: expect.stringMatching(/^BOLT-M8 \(red, \d+ pcs\): no supplier: .*defaultSupplierId/),
          },
        ],
      },
    });
    expect(erp.list('purchase_orders')).toEqual([]);
    const [failure, ...others] = await openFailures();
    expect(others).toEqual([]);
    expect(failure).toMatchObject({
      direction: 'flow',
      canonicalId: bolt,
      errorClass: 'value',
      errorCode: 'no_supplier',
      fieldPath: 'supplierId',
      attempts: 1,
    });
    expect(failure!.message).toMatch(
      /^item BOLT-M8 .* was not ordered: its buffer is red .*defaultSupplierId/,
    );

    // The next day's run still cannot order the bolts: the same failure, seen again.
    expect((await runFlow(test.hub, 'replenishment')).status).toBe('partial');
    expect(await openFailures()).toMatchObject([{ id: failure!.id, attempts: 2 }]);

    // A default supplier is set: the bolts are ordered and their failure resolves.
    const supplierId = await canonicalIdOf(test.hub, 'supplier', 'erp', 'V-1');
    await saveFlowSettings(test.hub.store.db, findFlow('replenishment'), {
      settings: { defaultSupplierId: supplierId },
    });
    const ordered = await runFlow(test.hub, 'replenishment');
    expect(ordered.status).toBe('succeeded');
    expect(ordered.context.partial).toBeUndefined();
    expect(erp.list('purchase_orders')).toMatchObject([{ supplierId: 'V-1', lines: [{ itemId: 'I-BOLT' }] }]);
    expect(await openFailures()).toEqual([]);
    const after = await listFailures(test.hub.store.db, { ids: [failure!.id] });
    expect(after.items[0]!.state).toBe('resolved');
  });

  it('replays a failed run without the item that left master data since its buffers were read', async () => {
    const bolt = await canonicalIdOf(test.hub, 'item', 'erp', 'I-BOLT');
    const supplierId = await canonicalIdOf(test.hub, 'supplier', 'erp', 'V-1');
    await saveFlowSettings(test.hub.store.db, findFlow('replenishment'), {
      settings: { defaultSupplierId: supplierId },
    });
    erp.faults.push({
      status: 'reject',
      when: () => true,
      fieldPath: 'partner_id',
      message: 'supplier on hold',
    });
    const failed = await runFlow(test.hub, 'replenishment');
    expect(failed.status).toBe('failed');

    // The bolts are deleted in the ERP before anyone replays the run: the recorded buffer status still names them.
    erp.faults.length = 0;
    await test.hub.store.db.query('UPDATE golden_records SET deleted = true WHERE id = $1', [bolt]);
    const replayed = await replayFlowRun(test.hub, findFlow('replenishment'), failed.id);
    expect(replayed.status).toBe('succeeded');
    expect(erp.list('purchase_orders')).toEqual([]);
    expect(replayed.steps.find((step) => step.step === 'create-orders')?.output).toMatchObject({
      skipped: [{ entity: 'item', id: bolt, reason: expect.stringMatching(/no longer in master data/) }],
    });
  });
});
