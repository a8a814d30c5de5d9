import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { findFlow } from '../../core/flow/catalog.ts';
import { replayFlowRun } from '../../core/flow/runner.ts';
import { saveFlowSettings } from '../../core/flow/settings.ts';
import { queueDrivers, storeDrivers } from '../support/drivers.ts';
import type { MemorySystem } from '../support/memory-system.ts';
import { hubDriverPairs, startTestHub, type TestHub } from '../support/test-hub.ts';
import { runFlow, setUpPlant, syncAll, syncReplenishmentHistory } from './flow-fixture.ts';

describe.each(hubDriverPairs(storeDrivers(), queueDrivers()))(
  'replenishment on $label',
  ({ store, queue }) => {
    let test: TestHub;
    let crm: MemorySystem;
    let erp: MemorySystem;
    beforeEach(async () => {
      test = await startTestHub({ store: await store.open(), queue: queue.open(), workers: false });
      ({ crm, erp } = await setUpPlant(test.hub));
      // A month of usage: 300 shafts and 600 bolts shipped ten days ago.
      await syncReplenishmentHistory(
        test.hub,
        erp,
        [
          { itemId: 'I-SHAFT', quantity: 300 },
          { itemId: 'I-BOLT', quantity: 600 },
        ],
        [
          { id: 'Q-1', itemId: 'I-SHAFT', location: 'WH1', onHand: 20, allocated: 5 },
          { id: 'Q-2', itemId: 'I-BOLT', location: 'WH1', onHand: 10 },
        ],
      );
      // The CRM sells shafts only.
      const bolt = crm.list('items').find((item) => item.sku === 'BOLT-M8')!.id;
      crm.remove('items', bolt);
      await test.hub.store.db.query(`DELETE FROM xref WHERE connection_id = 'crm' AND external_id = $1`, [
        bolt,
      ]);
    });
    afterEach(async () => {
      vi.useRealTimers();
      await test.stop();
    });

    it('orders what the red buffers need in the ERP and shows buffer colour and availability on the CRM products', async () => {
      const run = await runFlow(test.hub, 'replenishment');
      expect(run.status).toBe('succeeded');
      const status = run.steps.find((step) => step.step === 'buffer-status')!.output as {
        items: Array<{ color: string; recommendedQty: number; available: number }>;
      };
      expect(status.items).toHaveLength(2);
      expect(status.items.every((item) => item.color === 'red' && item.recommendedQty > 0)).toBe(true);

      const workOrders = erp.list('work_orders');
      expect(workOrders).toMatchObject([{ itemId: 'I-SHAFT', status: 'planned', number: 'WO-0001' }]);
      const purchaseOrders = erp.list('purchase_orders').filter((po) => po.id !== 'P-1');
      expect(purchaseOrders).toMatchObject([
        { supplierId: 'V-1', status: 'draft', currency: 'EUR', lines: [{ itemId: 'I-BOLT' }] },
      ]);
      expect(
        [
          workOrders[0]!.quantity,
          (purchaseOrders[0]!.lines as Array<{ quantity: number }>)[0]!.quantity,
        ].sort(),
      ).toEqual(status.items.map((item) => item.recommendedQty).sort());

      expect(crm.list('items')).toHaveLength(2);
      const shaft = crm.list('items').find((item) => item.sku === 'SHAFT-12')!;
      expect(shaft).toMatchObject({ bufferColor: 'red', availableQuantity: 15 });
      expect(crm.list('items').find((item) => item.sku === 'BOLT-M8')).toBeUndefined();
    });

    it('writes the purchase lines to a CSV for the supplier portal when so configured', async () => {
      const folder = mkdtempSync(join(tmpdir(), 'thub-replenish-'));
      await saveFlowSettings(test.hub.store.db, findFlow('replenishment'), {
        settings: { purchaseTarget: 'csv', csvFolder: folder },
      });
      const run = await runFlow(test.hub, 'replenishment');
      expect(run.status).toBe('succeeded');
      const { csv } = run.steps.find((step) => step.step === 'create-orders')!.output as { csv: string };
      const text = readFileSync(csv, 'utf8').trim().split('\n');
      expect(text[0]).toBe('sku,supplierId,quantity,uom,promisedDate,purchaseOrderId');
      expect(text[1]).toMatch(/^BOLT-M8,[0-9a-f-]{36},\d+(\.\d+)?,pcs,\d{4}-\d{2}-\d{2},[0-9a-f-]{36}$/);
      expect(erp.list('purchase_orders').map((po) => po.id)).toEqual(['P-1']);
    });

    it('records the purchase lines of a CSV as draft purchase orders, so the next day does not order them again', async () => {
      const folder = mkdtempSync(join(tmpdir(), 'thub-replenish-'));
      // A file where the folder should be: the export fails after the drafts were recorded.
      const blocked = join(folder, 'blocked');
      writeFileSync(blocked, '');
      const exportTo = (csvFolder: string) =>
        saveFlowSettings(test.hub.store.db, findFlow('replenishment'), {
          settings: { purchaseTarget: 'csv', csvFolder },
        });
      await exportTo(join(blocked, 'exports'));
      const failed = await runFlow(test.hub, 'replenishment', { key: 'cron:day-1' });
      expect(failed.status).toBe('failed');
      await exportTo(folder);
      const day1 = await replayFlowRun(test.hub, findFlow('replenishment'), failed.id);
      expect(day1.status).toBe('succeeded');
      const csvOf = (run: typeof day1) =>
        (run.steps.find((step) => step.step === 'create-orders')!.output as { csv: string }).csv;
      expect(readFileSync(csvOf(day1), 'utf8')).toMatch(/^BOLT-M8,/m);
      const drafts = async () =>
        (
          await test.hub.store.db.query<{ body: { supplierId: string; lines: unknown[] } }>(
            `SELECT body FROM golden_records WHERE entity = 'purchase_order' AND body->>'status' = 'draft'`,
          )
        ).rows.map((row) => row.body);
      expect(await drafts()).toMatchObject([{ lines: [{ itemId: expect.any(String) }] }]);
      expect(erp.list('purchase_orders').map((po) => po.id)).toEqual(['P-1']);

      // A second run the same day writes a file of its own and orders nothing new.
      const again = await runFlow(test.hub, 'replenishment', { key: 'manual:day-1-noon' });
      expect(again.status).toBe('succeeded');
      expect(csvOf(again)).not.toBe(csvOf(day1));
      expect(readFileSync(csvOf(again), 'utf8')).not.toMatch(/BOLT-M8/);
      expect(readFileSync(csvOf(day1), 'utf8')).toMatch(/^BOLT-M8,/m);

      // The next morning: nothing has come back from the portal yet.
      vi.useFakeTimers({ toFake: ['Date'] });
      vi.setSystemTime(new Date(Date.now() + 86_400_000));
      const day2 = await runFlow(test.hub, 'replenishment', { key: 'cron:day-2' });
      expect(day2.status).toBe('succeeded');
      expect(readFileSync(csvOf(day2), 'utf8')).not.toMatch(/BOLT-M8/);
      expect(await drafts()).toHaveLength(1);
    });

    it('does not order an item again while its requisition from the last run is open', async () => {
      const first = await runFlow(test.hub, 'replenishment', { key: 'cron:day-1' });
      expect(first.status).toBe('succeeded');
      // The ERP's orders come back as they are: the requisition is still a draft awaiting approval.
      await syncAll(test.hub, 'erp', ['purchase_orders', 'work_orders']);
      const second = await runFlow(test.hub, 'replenishment', { key: 'cron:day-2' });
      expect(second.status).toBe('succeeded');
      expect(erp.list('work_orders')).toHaveLength(1);
      expect(erp.list('purchase_orders').filter((po) => po.id !== 'P-1')).toHaveLength(1);
    });
  },
);
