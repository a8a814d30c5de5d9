import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findFlow } from '../../core/flow/catalog.ts';
import { type FlowRunView, viewRun } from '../../core/flow/runner.ts';
import { runFlowNow } from '../../core/flow/service.ts';
import { createMemoryQueue } from '../../core/queue/memory-driver.ts';
import type { Db } from '../../core/store/db.ts';
import { storeDrivers } from '../support/drivers.ts';
import type { MemorySystem } from '../support/memory-system.ts';
import { eventually, startTestHub, type TestHub } from '../support/test-hub.ts';
import { canonicalIdOf, copyTo, setUpPlant, shipInErp, syncAll } from './flow-fixture.ts';

const orderStatus = findFlow('order-status');

/** Worker A stops for good once 'resolve-order' is recorded: recording 'update-order' never returns. */
function freezeBeforeUpdateOrder(db: Db): { frozen: () => boolean } {
  const query = db.query.bind(db);
  let frozen = false;
  db.query = ((sql: string, params?: unknown[]) => {
    if (!frozen && sql.includes('INSERT INTO flow_steps') && params?.[1] === 'update-order') {
      frozen = true;
      return new Promise(() => undefined);
    }
    return query(sql, params);
  }) as Db['query'];
  return { frozen: () => frozen };
}

describe.each(storeDrivers())('order-status run that goes on later on $name', (store) => {
  let test: TestHub;
  let crm: MemorySystem;
  let erp: MemorySystem;
  beforeEach(async () => {
    // No workers: every run starts by hand, in the order the test says.
    test = await startTestHub({ store: await store.open(), queue: createMemoryQueue(), workers: false });
    ({ crm, erp } = await setUpPlant(test.hub));
    await copyTo(test.hub, 'crm', 'item');
  });
  afterEach(async () => test.stop());

  async function erpOrderFromWonOpportunity() {
    const { hub } = test;
    const shaft = crm.list('items').find((item) => item.sku === 'SHAFT-12')!.id;
    crm.put('customers', { id: 'A-1', name: 'Hengda Auto Parts', currency: 'EUR' });
    crm.put('opportunities', {
      id: 'O-1',
      name: 'Shafts',
      accountId: 'A-1',
      stage: 'won',
      currency: 'EUR',
      lines: [{ productId: shaft, quantity: 8, unitPrice: 5000 }],
    });
    await syncAll(hub, 'crm', ['customers', 'opportunities']);
    const opportunityId = await canonicalIdOf(hub, 'opportunity', 'crm', 'O-1');
    expect((await runFlowNow(hub, findFlow('lead-to-cash'), { recordId: opportunityId })).status).toBe(
      'succeeded',
    );
    await syncAll(hub, 'erp', ['sales_orders']);
    const erpOrder = erp.list('sales_orders')[0]!;
    return { erpOrder, orderId: await canonicalIdOf(hub, 'sales_order', 'erp', erpOrder.id) };
  }

  async function runStuckAfterResolve(orderId: string, key: string): Promise<FlowRunView> {
    const { db } = test.hub.store;
    const worker = freezeBeforeUpdateOrder(db);
    void runFlowNow(test.hub, orderStatus, { recordId: orderId, key }, { leaseMs: 300 });
    return eventually(
      async () => {
        const { rows } = await db.query<{ id: string }>(
          `SELECT id FROM flow_runs WHERE flow = 'order-status' AND run_key = $1`,
          [key],
        );
        const run = rows[0] && (await viewRun(test.hub, rows[0].id));
        const resolved = run?.steps.find((step) => step.step === 'resolve-order')?.status === 'done';
        return resolved && worker.frozen() ? run : undefined;
      },
      20_000,
      'worker A past resolve-order',
    );
  }

  it('keeps an order shipped meanwhile shipped when a run taken over writes its status', async () => {
    const { hub } = test;
    const { db } = hub.store;
    const { erpOrder, orderId } = await erpOrderFromWonOpportunity();
    const { rows } = await db.query<{ version: number }>('SELECT version FROM golden_records WHERE id = $1', [
      orderId,
    ]);
    const key = `sales_order:${orderId}:v${rows[0]!.version}`;
    const stuck = await runStuckAfterResolve(orderId, key);

    // Meanwhile the ERP delivers the order, and order-status marks it shipped.
    await shipInErp(hub, erp, erpOrder.id);
    const shipmentId = await canonicalIdOf(hub, 'shipment', 'erp', 'D-1');
    expect((await runFlowNow(hub, orderStatus, { recordId: shipmentId })).status).toBe('succeeded');
    const crmStatus = () =>
      crm.list('sales_orders').find((order) => order.number === erpOrder.number)?.status;
    expect(crmStatus()).toBe('shipped');

    // A's lease runs out; the next delivery of its trigger takes the run over from 'update-order'.
    await new Promise((resolve) => setTimeout(resolve, 400));
    const taken = await runFlowNow(hub, orderStatus, { recordId: orderId, key });
    expect(taken.id).toBe(stuck.id);
    expect(taken.status).toBe('succeeded');
    const golden = await db.query<{ status: string }>(
      `SELECT body->>'status' AS status FROM golden_records WHERE id = $1`,
      [orderId],
    );
    expect(golden.rows[0]!.status).toBe('shipped');
    expect(crmStatus()).toBe('shipped');
  }, 60_000);
});
