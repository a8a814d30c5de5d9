import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMemoryQueue } from '../../core/queue/memory-driver.ts';
import { listFailures } from '../../core/sync/failures.ts';
import { canonicalIdOf, copyTo, runFlow, setUpPlant, syncAll } from '../../tests/integration/flow-fixture.ts';
import { openEmbeddedStore } from '../../tests/support/drivers.ts';
import type { MemorySystem } from '../../tests/support/memory-system.ts';
import { startTestHub, type TestHub } from '../../tests/support/test-hub.ts';

describe('throughput scoring: a deal line whose item has no truly variable cost', () => {
  let test: TestHub;
  let crm: MemorySystem;
  let erp: MemorySystem;
  beforeEach(async () => {
    test = await startTestHub({
      store: await openEmbeddedStore(),
      queue: createMemoryQueue(),
      workers: false,
    });
    ({ crm, erp } = await setUpPlant(test.hub));
    // A new valve: priced and routed over the constraint, its truly variable cost not known yet.
    erp.put('items', {
      id: 'I-VALVE',
      sku: 'VALVE-3',
      name: 'Valve 3',
      replenishment: 'make_to_order',
      listPrice: 10000,
      currency: 'EUR',
    });
    erp.put('routings', {
      id: 'R-VALVE',
      itemId: 'I-VALVE',
      operations: [{ sequence: 10, workCenterId: 'WC-HEAT', setupMinutes: 0, runMinutesPerUnit: 5 }],
    });
    await syncAll(test.hub, 'erp', ['items', 'routings']);
    await copyTo(test.hub, 'crm', 'item');
    crm.put('customers', { id: 'A-1', name: 'Wuxi Drives', currency: 'EUR' });
    const product = (sku: string) => crm.list('items').find((item) => item.sku === sku)!.id;
    const deal = (id: string, lines: Array<{ sku: string; unitPrice: number }>) =>
      crm.put('opportunities', {
        id,
        name: id,
        accountId: 'A-1',
        stage: 'proposal',
        currency: 'EUR',
        lines: lines.map((line) => ({
          productId: product(line.sku),
          quantity: 10,
          unitPrice: line.unitPrice,
        })),
      });
    deal('O-VALVE', [{ sku: 'VALVE-3', unitPrice: 10000 }]);
    deal('O-MIXED', [
      { sku: 'GEAR-40', unitPrice: 11000 },
      { sku: 'VALVE-3', unitPrice: 10000 },
    ]);
    await syncAll(test.hub, 'crm', ['customers', 'opportunities']);
  });
  afterEach(async () => {
    await test.stop();
  });

  it('leaves the line out of the score, neither throughput nor minutes, and files the deal', async () => {
    const run = await runFlow(test.hub, 'throughput-scoring');
    expect(run.status).toBe('succeeded');
    const deals = Object.fromEntries(
      crm.list('opportunities').map((o) => [o.id, o.throughputPerConstraintMinute]),
    );
    // Gears alone: 10 × (110 − 40) = 700 over 20 setup + 10 × 4 = 60 HEAT minutes. The valve's 50
    // minutes at zero throughput would make it 700 / 110 = 6.36.
    expect(deals['O-MIXED']).toBe(11.67);
    // Nothing scores: no score at all, not "earns nothing per constraint minute".
    expect(deals['O-VALVE']).toBeUndefined();

    const failures = await listFailures(test.hub.store.db, { connectionId: 'flow:throughput-scoring' });
    const ids = {
      mixed: await canonicalIdOf(test.hub, 'opportunity', 'crm', 'O-MIXED'),
      valve: await canonicalIdOf(test.hub, 'opportunity', 'crm', 'O-VALVE'),
    };
    const failureOf = (id: string) => failures.items.find((failure) => failure.canonicalId === id);
    expect(failureOf(ids.mixed)).toMatchObject({
      errorClass: 'value',
      errorCode: 'missing_price_or_cost',
      fieldPath: 'lines[1].itemId',
      state: 'open',
    });
    expect(failureOf(ids.mixed)!.message).toMatch(
      /lines\[1\]\.itemId \(item VALVE-3 has no truly variable cost\)/,
    );
    expect(failureOf(ids.valve)).toMatchObject({ fieldPath: 'lines[0].itemId', state: 'open' });

    // The cost is known now (60.00): both deals score and their failures resolve.
    erp.put('items', { id: 'I-VALVE', tvc: 6000 });
    await syncAll(test.hub, 'erp', ['items']);
    expect((await runFlow(test.hub, 'throughput-scoring')).status).toBe('succeeded');
    const scoreOf = (id: string) =>
      crm.list('opportunities').find((o) => o.id === id)!.throughputPerConstraintMinute;
    // (700 + 10 × 40) over 60 + 50 minutes; 10 × 40 over 50.
    expect([scoreOf('O-MIXED'), scoreOf('O-VALVE')]).toEqual([10, 8]);
    const after = await listFailures(test.hub.store.db, { ids: failures.items.map((failure) => failure.id) });
    expect(after.items.map((failure) => failure.state)).toEqual(['resolved', 'resolved']);
  });
});
