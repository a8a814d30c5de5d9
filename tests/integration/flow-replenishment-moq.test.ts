import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  applyMapping,
  compileMapping,
  createMemoryReferenceResolver,
  loadDefaultMapping,
} from '../../core/mapping/index.ts';
import { validateEntity } from '../../core/model/index.ts';
import { saveMappingOverride } from '../../core/sync/mapping-source.ts';
import { queueDrivers, storeDrivers } from '../support/drivers.ts';
import type { MemorySystem } from '../support/memory-system.ts';
import { hubDriverPairs, startTestHub, type TestHub } from '../support/test-hub.ts';
import { runFlow, setUpPlant, syncAll, syncReplenishmentHistory } from './flow-fixture.ts';

describe.each(hubDriverPairs(storeDrivers(), queueDrivers()))(
  'replenishment with minimum order quantities and order multiples on $label',
  ({ store, queue }) => {
    let test: TestHub;
    let erp: MemorySystem;
    beforeEach(async () => {
      test = await startTestHub({ store: await store.open(), queue: queue.open(), workers: false });
      ({ erp } = await setUpPlant(test.hub));
      // The test ERP's items carry the supplier's MOQ and pack size.
      await saveMappingOverride(
        test.hub.store.db,
        await test.hub.store.connections.get('erp'),
        'items',
        'in',
        'fields:\n  minimumOrderQuantity: moq\n  orderMultiple: packSize\n',
        'test',
        test.hub.mappingsRoot,
      );
      // A month of usage: 600 bolts shipped ten days ago (ADU 20), 10 on hand, DLT 7 days.
      await syncReplenishmentHistory(
        test.hub,
        erp,
        [{ itemId: 'I-BOLT', quantity: 600 }],
        [{ id: 'Q-2', itemId: 'I-BOLT', location: 'WH1', onHand: 10 }],
      );
    });
    afterEach(async () => {
      await test.stop();
    });

    const orderedBolts = () =>
      erp
        .list('purchase_orders')
        .filter((po) => po.id !== 'P-1')
        .flatMap((po) => po.lines as Array<{ itemId: string; quantity: number }>)
        .filter((line) => line.itemId === 'I-BOLT')
        .map((line) => line.quantity);

    it('sizes the green zone to the MOQ and orders in whole packs', async () => {
      erp.put('items', { id: 'I-BOLT', moq: 500, packSize: 40 });
      await syncAll(test.hub, 'erp', ['items']);
      const run = await runFlow(test.hub, 'replenishment');
      expect(run.status).toBe('succeeded');
      // Red 70 + 35, yellow 140, green max(20 × 7 × 0.5, 500) = 500: top of green 745; NFP 10.
      // 745 − 10 = 735, up to the next pack of 40.
      expect(orderedBolts()).toEqual([760]);
      const status = run.steps.find((step) => step.step === 'buffer-status')!.output as {
        items: Array<{ recommendedQty: number }>;
      };
      expect(status.items.map((item) => item.recommendedQty)).toEqual([760]);
    });

    it('orders whole packs of the computed quantity for an item without an MOQ', async () => {
      erp.put('items', { id: 'I-BOLT', packSize: 40 });
      await syncAll(test.hub, 'erp', ['items']);
      expect((await runFlow(test.hub, 'replenishment')).status).toBe('succeeded');
      // Green 70: top of green 315; 315 − 10 = 305, up to 320.
      expect(orderedBolts()).toEqual([320]);
    });
  },
);

describe('the ERPNext item mapping', () => {
  const item = {
    name: 'BOLT-M8',
    item_code: 'BOLT-M8',
    item_name: 'Bolt M8',
    stock_uom: 'Nos',
    disabled: 0,
    standard_rate: 0.5,
    valuation_rate: 0.2,
    default_material_request_type: 'Purchase',
  };
  const mapIn = async (doc: Record<string, unknown>) => {
    const definition = await loadDefaultMapping('erpnext', 'items', 'in');
    const result = await applyMapping(compileMapping(definition), doc, {
      resolver: createMemoryReferenceResolver(),
    });
    expect(result.errors).toEqual([]);
    return validateEntity('item', result.value, 'BOLT-M8');
  };

  it('maps min_order_qty to the minimum order quantity, and back', async () => {
    const canonical = await mapIn({ ...item, min_order_qty: 500 });
    expect(canonical.minimumOrderQuantity).toBe(500);
    const out = await loadDefaultMapping('erpnext', 'items', 'out');
    const written = await applyMapping(compileMapping(out), canonical, {
      resolver: createMemoryReferenceResolver(),
    });
    expect(written.value).toMatchObject({ min_order_qty: 500 });
  });

  it('leaves the minimum order quantity out where ERPNext has none (0)', async () => {
    expect(await mapIn({ ...item, min_order_qty: 0 })).not.toHaveProperty('minimumOrderQuantity');
    expect(await mapIn(item)).not.toHaveProperty('minimumOrderQuantity');
  });
});
