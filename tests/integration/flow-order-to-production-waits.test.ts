import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findFlow } from '../../core/flow/catalog.ts';
import { FLOWS_QUEUE } from '../../core/flow/jobs.ts';
import { type FlowRunView, viewRun } from '../../core/flow/runner.ts';
import { resumeExpiredRuns } from '../../core/flow/service.ts';
import { saveFlowSettings } from '../../core/flow/settings.ts';
import { listFailures } from '../../core/sync/failures.ts';
import { queueDrivers, storeDrivers } from '../support/drivers.ts';
import { type MemorySystem, memoryConnector } from '../support/memory-system.ts';
import { eventually, hubDriverPairs, startTestHub, type TestHub } from '../support/test-hub.ts';
import { canonicalIdOf, copyTo, setUpPlant, syncAll } from './flow-fixture.ts';

/** A gate the ERP's sales-order writes wait at until the test opens it. */
function gateSalesOrderWrites(erpSystem: string, original: typeof memoryConnector.write) {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  let held = 0;
  memoryConnector.write = async (ctx, stream, ops) => {
    if ((ctx.config as { system: string }).system === erpSystem && stream === 'sales_orders') {
      held++;
      await opened;
    }
    return original.call(memoryConnector, ctx, stream, ops);
  };
  return { open, held: () => held };
}

describe.each(hubDriverPairs(storeDrivers(), queueDrivers()))(
  'order-to-production of an order lead-to-cash has not created in the ERP yet, on $label',
  ({ store, queue }) => {
    let test: TestHub;
    let crm: MemorySystem;
    let erp: MemorySystem;
    let erpSystem: string;
    let openGate: (() => void) | undefined;
    const originalWrite = memoryConnector.write;

    beforeEach(async () => {
      test = await startTestHub({ store: await store.open(), queue: queue.open() });
      let names: { erp: string };
      ({ crm, erp, names } = await setUpPlant(test.hub));
      erpSystem = names.erp;
      await copyTo(test.hub, 'crm', 'item');
      await saveFlowSettings(test.hub.store.db, findFlow('order-status'), { enabled: false });
      crm.put('customers', { id: 'A-1', name: 'Hengda Auto Parts', currency: 'EUR' });
    });
    afterEach(async () => {
      openGate?.();
      openGate = undefined;
      memoryConnector.write = originalWrite;
      await test.stop();
    });

    /** A won opportunity for make-to-order gears: lead-to-cash makes a confirmed sales order of it. */
    async function winGearOpportunity(): Promise<string> {
      crm.put('opportunities', {
        id: 'O-1',
        name: 'Gears',
        accountId: 'A-1',
        stage: 'won',
        currency: 'EUR',
        lines: [
          {
            productId: crm.list('items').find((i) => i.sku === 'GEAR-40')!.id,
            quantity: 5,
            unitPrice: 12000,
          },
        ],
      });
      await syncAll(test.hub, 'crm', ['customers', 'opportunities']);
      return canonicalIdOf(test.hub, 'opportunity', 'crm', 'O-1');
    }

    /** The order-to-production run of the hub's sales order, once it is in one of `statuses`. */
    const productionRunIn = (statuses: string[], what: string) =>
      eventually(
        async () => {
          const { rows } = await test.hub.store.db.query<{ id: string }>(
            `SELECT id FROM flow_runs WHERE flow = 'order-to-production' AND status = ANY($1::text[])`,
            [statuses],
          );
          return rows[0] ? viewRun(test.hub, rows[0].id) : undefined;
        },
        20_000,
        what,
      );
    const salesOrderIdOf = (run: FlowRunView) =>
      run.trigger.kind === 'change' ? run.trigger.canonicalId : undefined;

    it('waits until the ERP sales order exists, then plans its work orders against it without filing a failure', async () => {
      const gate = gateSalesOrderWrites(erpSystem, originalWrite);
      openGate = gate.open;
      await winGearOpportunity();

      const waiting = await productionRunIn(
        ['waiting', 'failed', 'succeeded'],
        'order-to-production settled',
      );
      expect(waiting.status).toBe('waiting');
      expect(erp.list('sales_orders')).toEqual([]);
      expect(waiting.steps.find((step) => step.step === 'await-erp-order')).toMatchObject({
        status: 'waiting',
      });
      expect(waiting.steps.find((step) => step.step === 'await-erp-order')!.error).toContain(
        salesOrderIdOf(waiting)!,
      );
      expect(waiting.steps.map((step) => step.step)).toEqual(['await-erp-order']);
      expect(erp.list('work_orders')).toEqual([]);

      await eventually(() => gate.held() > 0, 20_000, 'lead-to-cash writing the order to the ERP');
      gate.open();
      const done = await productionRunIn(
        ['succeeded'],
        'order-to-production planned once the ERP order exists',
      );
      expect(done.id).toBe(waiting.id);
      const erpOrder = erp.list('sales_orders')[0]!;
      expect(erp.list('work_orders')).toMatchObject([
        { itemId: 'I-GEAR', quantity: 5, salesOrderId: erpOrder.id, status: 'planned' },
      ]);
      const failures = await listFailures(test.hub.store.db, { connectionId: 'flow:order-to-production' });
      expect(failures.items).toEqual([]);
      expect(done.context).toMatchObject({ waiting: null });
    });

    it('files a failure naming the sales order it waited for once the wait is over', async () => {
      await saveFlowSettings(test.hub.store.db, findFlow('order-to-production'), {
        settings: { erpOrderWaitSeconds: 2 },
      });
      // The ERP refuses the order for good: lead-to-cash fails after the hub recorded it.
      erp.faults.push({
        status: 'reject',
        when: (record) => 'customerId' in record && 'lines' in record,
        fieldPath: 'customerId',
        message: 'customer is blocked for sales',
      });
      await winGearOpportunity();

      const failed = await productionRunIn(['failed'], 'order-to-production gave up waiting');
      const salesOrderId = salesOrderIdOf(failed)!;
      expect(failed.error).toMatch(/^await-erp-order: /);
      expect(failed.error).toContain(salesOrderId);
      expect(failed.error).toMatch(/waited \d+ s/);
      const attempts = failed.steps.find((step) => step.step === 'await-erp-order')!.attempts;
      expect(attempts).toBeGreaterThan(1);
      const { items } = await listFailures(test.hub.store.db, { connectionId: 'flow:order-to-production' });
      expect(items).toMatchObject([
        {
          stream: 'await-erp-order',
          canonicalId: salesOrderId,
          errorCode: 'sales_order_not_in_erp',
          state: 'open',
        },
      ]);
      expect(items[0]!.message).toContain(salesOrderId);
      expect(erp.list('work_orders')).toEqual([]);
    });

    it('goes on from the sweep when its retry was lost while the flow was paused', async () => {
      const orderToProduction = findFlow('order-to-production');
      const gate = gateSalesOrderWrites(erpSystem, originalWrite);
      openGate = gate.open;
      await winGearOpportunity();
      const waiting = await productionRunIn(
        ['waiting', 'failed', 'succeeded'],
        'order-to-production settled',
      );
      expect(waiting.status).toBe('waiting');

      // Paused, the flow's queued retry is dropped; the ERP order is created meanwhile.
      await saveFlowSettings(test.hub.store.db, orderToProduction, { enabled: false });
      gate.open();
      await eventually(() => erp.list('sales_orders').length === 1, 20_000, 'the ERP sales order');
      await test.hub.queue.whenIdle(FLOWS_QUEUE, 20_000);
      expect((await viewRun(test.hub, waiting.id)).status).toBe('waiting');
      await saveFlowSettings(test.hub.store.db, orderToProduction, { enabled: true });

      // Not before its retry time is well past: the delayed job may still be on its way.
      expect(await resumeExpiredRuns(test.hub)).toBe(0);
      await test.hub.store.db.query(
        `UPDATE flow_runs SET lease_until = now() - interval '2 minutes' WHERE id = $1`,
        [waiting.id],
      );
      expect(await resumeExpiredRuns(test.hub)).toBe(1);
      const done = await productionRunIn(['succeeded'], 'order-to-production planned after the sweep');
      expect(done.id).toBe(waiting.id);
      expect(erp.list('work_orders')).toMatchObject([
        { itemId: 'I-GEAR', salesOrderId: erp.list('sales_orders')[0]!.id },
      ]);
    });
  },
);
