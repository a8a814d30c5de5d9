import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import '../../core/flow/service.ts';
import { findFlow } from '../../core/flow/catalog.ts';
import { replayFlowRun } from '../../core/flow/runner.ts';
import { listFailures } from '../../core/sync/failures.ts';
import { queueDrivers, storeDrivers } from '../support/drivers.ts';
import type { MemorySystem } from '../support/memory-system.ts';
import { eventually, hubDriverPairs, startTestHub, type TestHub } from '../support/test-hub.ts';
import { canonicalIdOf, copyTo, setUpPlant, shipInErp, syncAll } from './flow-fixture.ts';

const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

describe.each(hubDriverPairs(storeDrivers(), queueDrivers()))(
  'order-to-production and order status on $label',
  ({ store, queue }) => {
    let test: TestHub;
    let crm: MemorySystem;
    let erp: MemorySystem;
    beforeEach(async () => {
      test = await startTestHub({ store: await store.open(), queue: queue.open() });
      ({ crm, erp } = await setUpPlant(test.hub));
      erp.put('customers', { id: 'E-7', name: 'Jiangsu Gearworks', currency: 'EUR' });
      await syncAll(test.hub, 'erp', ['customers']);
      await copyTo(test.hub, 'crm', 'item');
      await copyTo(test.hub, 'crm', 'customer');
    });
    afterEach(async () => {
      await test.stop();
    });

    const runOf = (flow: string, key: string) =>
      eventually(
        async () => {
          const { rows } = await test.hub.store.db.query<{
            id: string;
            status: string;
            error: string | null;
          }>('SELECT id, status, error FROM flow_runs WHERE flow = $1 AND run_key = $2', [flow, key]);
          return rows[0] && rows[0].status !== 'running' ? rows[0] : undefined;
        },
        20_000,
        `${flow} run finished`,
      );

    it('plans work orders of a confirmed make-to-order order with release dates and buffer colours in the ERP', async () => {
      erp.put('sales_orders', {
        id: 'S-1',
        number: 'SO-9001',
        customerId: 'E-7',
        status: 'confirmed',
        orderDate: inDays(0),
        currency: 'EUR',
        lines: [
          { itemId: 'I-GEAR', quantity: 30, unitPrice: 12000, dueDate: inDays(1) },
          { itemId: 'I-SHAFT', quantity: 5, unitPrice: 5000, dueDate: inDays(20) },
        ],
      });
      await syncAll(test.hub, 'erp', ['sales_orders']);
      const orderId = await canonicalIdOf(test.hub, 'sales_order', 'erp', 'S-1');
      const run = await runOf('order-to-production', orderId);
      expect(run).toMatchObject({ status: 'succeeded', error: null });

      const workOrders = erp.list('work_orders');
      expect(workOrders).toHaveLength(1);
      expect(workOrders[0]).toMatchObject({
        itemId: 'I-GEAR',
        quantity: 30,
        salesOrderId: 'S-1',
        status: 'planned',
        dueDate: inDays(1),
      });
      expect(workOrders[0]!.releaseDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      // Due tomorrow with an eight-day buffer: well into red (or black), hence urgent.
      expect(['red', 'black']).toContain(workOrders[0]!.bufferColor);
      expect(workOrders[0]!.priority).toBe('urgent');
      expect(Number(workOrders[0]!.bufferPenetrationPct)).toBeGreaterThan(60);
      expect(crm.list('sales_orders')).toMatchObject([{ number: 'SO-9001', status: 'in_production' }]);
    });

    it('plans an order of a customer the CRM never had without writing the order to the CRM', async () => {
      erp.put('customers', { id: 'E-8', name: 'Ningbo Valve Works', currency: 'EUR' });
      await syncAll(test.hub, 'erp', ['customers']);
      erp.put('sales_orders', {
        id: 'S-2',
        number: 'SO-9002',
        customerId: 'E-8',
        status: 'confirmed',
        orderDate: inDays(0),
        currency: 'EUR',
        lines: [{ itemId: 'I-GEAR', quantity: 4, unitPrice: 12000, dueDate: inDays(10) }],
      });
      await syncAll(test.hub, 'erp', ['sales_orders']);
      const orderId = await canonicalIdOf(test.hub, 'sales_order', 'erp', 'S-2');
      expect(await runOf('order-to-production', orderId)).toMatchObject({ status: 'succeeded', error: null });
      expect(erp.list('work_orders')).toMatchObject([{ itemId: 'I-GEAR', quantity: 4, salesOrderId: 'S-2' }]);
      expect(crm.list('sales_orders')).toEqual([]);
      const { rows } = await test.hub.store.db.query<{ output: { crmSkipped?: string } }>(
        `SELECT s.output FROM flow_steps s JOIN flow_runs r ON r.id = s.run_id
         WHERE r.flow = 'order-to-production' AND r.run_key = $1 AND s.step = 'summary-to-crm'`,
        [orderId],
      );
      expect(rows[0]!.output.crmSkipped).toMatch(/^the CRM does not know customer /);
      const failures = await test.hub.store.db.query('SELECT 1 FROM failed_syncs');
      expect(failures.rows).toEqual([]);
    });

    it('fails naming the line of a make-to-order item without a routing, and plans every line on replay once it has one', async () => {
      erp.put('items', {
        id: 'I-SPROCKET',
        sku: 'SPR-9',
        name: 'Sprocket 9',
        replenishment: 'make_to_order',
        listPrice: 9000,
        tvc: 3000,
        currency: 'EUR',
      });
      await syncAll(test.hub, 'erp', ['items']);
      await copyTo(test.hub, 'crm', 'item');
      erp.put('sales_orders', {
        id: 'S-3',
        number: 'SO-9003',
        customerId: 'E-7',
        status: 'confirmed',
        orderDate: inDays(0),
        currency: 'EUR',
        lines: [
          { itemId: 'I-GEAR', quantity: 30, unitPrice: 12000, dueDate: inDays(10) },
          { itemId: 'I-SPROCKET', quantity: 50, unitPrice: 9000, dueDate: inDays(10) },
        ],
      });
      await syncAll(test.hub, 'erp', ['sales_orders']);
      const orderId = await canonicalIdOf(test.hub, 'sales_order', 'erp', 'S-3');
      const run = await runOf('order-to-production', orderId);
      expect(run.status).toBe('failed');
      expect(run.error).toMatch(/SO-9003/);
      expect(run.error).toMatch(/lines\[1\]\.itemId/);
      const { items } = await listFailures(test.hub.store.db, { connectionId: 'flow:order-to-production' });
      expect(items).toMatchObject([
        {
          stream: 'plan-work-orders',
          canonicalId: orderId,
          errorClass: 'missing_reference',
          errorCode: 'missing_routing',
          fieldPath: 'lines[1].itemId',
          state: 'open',
        },
      ]);
      expect(erp.list('work_orders')).toEqual([]);
      expect(crm.list('sales_orders')).toEqual([]);
      const status = async () =>
        (
          await test.hub.store.db.query<{ status: string }>(
            `SELECT body->>'status' AS status FROM golden_records WHERE id = $1`,
            [orderId],
          )
        ).rows[0]!.status;
      expect(await status()).toBe('confirmed');

      // The routing syncs in; the admin replays the run.
      erp.put('routings', {
        id: 'R-SPR',
        itemId: 'I-SPROCKET',
        operations: [{ sequence: 10, workCenterId: 'WC-SAW', setupMinutes: 5, runMinutesPerUnit: 1 }],
      });
      await syncAll(test.hub, 'erp', ['routings']);
      const replayed = await replayFlowRun(test.hub, findFlow('order-to-production'), run.id);
      expect(replayed.status).toBe('succeeded');
      expect(
        erp
          .list('work_orders')
          .map((workOrder) => `${workOrder.itemId} x${workOrder.quantity}`)
          .sort(),
      ).toEqual(['I-GEAR x30', 'I-SPROCKET x50']);
      const planned = await test.hub.store.db.query(
        `SELECT 1 FROM golden_records WHERE entity = 'work_order' AND body->>'salesOrderId' = $1`,
        [orderId],
      );
      expect(planned.rows).toHaveLength(2);
      expect(await status()).toBe('in_production');
      expect(crm.list('sales_orders')).toMatchObject([{ number: 'SO-9003', status: 'in_production' }]);
      expect((await listFailures(test.hub.store.db, { ids: [items[0]!.id] })).items[0]!.state).toBe(
        'resolved',
      );
    });

    /** A won opportunity for shafts becomes an ERP order, which syncs back and is delivered. */
    const shipWonOrder = async () => {
      crm.put('opportunities', {
        id: 'O-5',
        name: 'Shafts',
        accountId: crm.list('customers')[0]!.id,
        stage: 'won',
        currency: 'EUR',
        lines: [
          {
            productId: crm.list('items').find((i) => i.sku === 'SHAFT-12')!.id,
            quantity: 8,
            unitPrice: 5000,
          },
        ],
      });
      await syncAll(test.hub, 'crm', ['opportunities']);
      const opportunityId = await canonicalIdOf(test.hub, 'opportunity', 'crm', 'O-5');
      expect(await runOf('lead-to-cash', opportunityId)).toMatchObject({ status: 'succeeded' });
      const erpOrder = erp.list('sales_orders')[0]!;
      expect(erpOrder.number).toBe('SO-0001');

      // The ERP numbers the order and ships it; both come back to the CRM.
      await syncAll(test.hub, 'erp', ['sales_orders']);
      await eventually(
        () => crm.list('opportunities')[0]!.erpOrderNumber === 'SO-0001',
        20_000,
        'ERP order number on the opportunity',
      );
      await shipInErp(test.hub, erp, erpOrder.id);
      await eventually(
        () => crm.list('sales_orders').find((order) => order.number === 'SO-0001')?.status === 'shipped',
        20_000,
        'shipped status in the CRM',
      );
      return erpOrder;
    };

    it('writes the ERP order number to the won opportunity and marks the order shipped when its delivery is done', async () => {
      await shipWonOrder();
      expect(crm.list('sales_orders')).toHaveLength(1);
    });

    it('keeps a shipped order shipped in the CRM when the ERP syncs the order again with its own status', async () => {
      const erpOrder = await shipWonOrder();
      // Odoo keeps a delivered order in state 'sale': an edit of it syncs in as 'confirmed'.
      erp.put('sales_orders', { id: erpOrder.id, requestedDate: inDays(3) });
      await syncAll(test.hub, 'erp', ['sales_orders']);
      const orderId = await canonicalIdOf(test.hub, 'sales_order', 'erp', erpOrder.id);
      const { rows } = await test.hub.store.db.query<{ version: number }>(
        `SELECT max(version) AS version FROM change_log WHERE canonical_id = $1 AND source_system = 'erp'`,
        [orderId],
      );
      const run = await runOf('order-status', `sales_order:${orderId}:v${rows[0]!.version}`);
      expect(run.status).toBe('succeeded');
      expect(crm.list('sales_orders')).toMatchObject([{ number: 'SO-0001', status: 'shipped' }]);
      const golden = await test.hub.store.db.query<{ status: string }>(
        `SELECT body->>'status' AS status FROM golden_records WHERE id = $1`,
        [orderId],
      );
      expect(golden.rows[0]!.status).toBe('shipped');
    });
  },
);
