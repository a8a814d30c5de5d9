import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findFlow } from '../../core/flow/catalog.ts';
import { runFlowNow } from '../../core/flow/service.ts';
import { createMemoryQueue } from '../../core/queue/memory-driver.ts';
import { storeDrivers } from '../support/drivers.ts';
import type { MemorySystem } from '../support/memory-system.ts';
import { startTestHub, type TestHub } from '../support/test-hub.ts';
import { canonicalIdOf, copyTo, goldenVersionOf, setUpPlant, syncAll } from './flow-fixture.ts';

const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

describe.each(storeDrivers())('order-status after the ERP reschedules an order, on $name', (store) => {
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

  /** A won opportunity for shafts, made an ERP order by lead-to-cash and synced back with its number. */
  async function wonOrderInErp() {
    const { hub } = test;
    crm.put('customers', { id: 'A-1', name: 'Hengda Auto Parts', currency: 'EUR' });
    crm.put('opportunities', {
      id: 'O-1',
      name: 'Shafts',
      accountId: 'A-1',
      stage: 'won',
      currency: 'EUR',
      lines: [
        { productId: crm.list('items').find((i) => i.sku === 'SHAFT-12')!.id, quantity: 8, unitPrice: 5000 },
      ],
    });
    await syncAll(hub, 'crm', ['customers', 'opportunities']);
    const opportunityId = await canonicalIdOf(hub, 'opportunity', 'crm', 'O-1');
    expect((await runFlowNow(hub, findFlow('lead-to-cash'), { recordId: opportunityId })).status).toBe(
      'succeeded',
    );
    await syncAll(hub, 'erp', ['sales_orders']);
    const erpOrder = erp.list('sales_orders')[0]!;
    const orderId = await canonicalIdOf(hub, 'sales_order', 'erp', erpOrder.id);
    expect((await runFlowNow(hub, findFlow('order-status'), { recordId: orderId })).status).toBe('succeeded');
    return { erpOrder, orderId, opportunityId };
  }

  const crmOpportunity = () => crm.list('opportunities').find((o) => o.id === 'O-1')!;

  it("writes the ERP's new promise date to the won opportunity in the CRM, once", async () => {
    const { hub } = test;
    const { erpOrder, orderId, opportunityId } = await wonOrderInErp();
    const quoted = crmOpportunity().promiseDate as string;
    expect(quoted).toBe(erpOrder.promiseDate);
    expect(crmOpportunity().erpOrderNumber).toBe(erpOrder.number);

    // The ERP moves the order's commitment date out by three weeks.
    const rescheduled = inDays(40);
    expect(rescheduled).not.toBe(quoted);
    erp.put('sales_orders', { id: erpOrder.id, promiseDate: rescheduled });
    await syncAll(hub, 'erp', ['sales_orders']);
    const run = await runFlowNow(hub, findFlow('order-status'), { recordId: orderId });
    expect(run.status).toBe('succeeded');
    expect(crmOpportunity().promiseDate).toBe(rescheduled);
    const golden = await hub.store.db.query<{ promise_date: string }>(
      `SELECT body->>'promiseDate' AS promise_date FROM golden_records WHERE id = $1`,
      [opportunityId],
    );
    expect(golden.rows[0]!.promise_date).toBe(rescheduled);

    // The CRM sends the date back unchanged: an echo, dropped; the opportunity does not change again.
    const version = await goldenVersionOf(hub, opportunityId);
    const crmWrites = crm.writeCalls.filter((call) => call.stream === 'opportunities').length;
    await syncAll(hub, 'crm', ['opportunities']);
    expect(await goldenVersionOf(hub, opportunityId)).toBe(version);
    // Another change of the order that leaves its date alone writes nothing more to the opportunity.
    erp.put('sales_orders', { id: erpOrder.id, requestedDate: inDays(35) });
    await syncAll(hub, 'erp', ['sales_orders']);
    expect((await runFlowNow(hub, findFlow('order-status'), { recordId: orderId })).status).toBe('succeeded');
    expect(await goldenVersionOf(hub, opportunityId)).toBe(version);
    expect(crm.writeCalls.filter((call) => call.stream === 'opportunities')).toHaveLength(crmWrites);
  });

  it('clears the promise date on the won opportunity in the CRM when the ERP drops it', async () => {
    const { hub } = test;
    const { erpOrder, orderId, opportunityId } = await wonOrderInErp();
    expect(crmOpportunity().promiseDate).toBe(erpOrder.promiseDate);

    // The planner takes the commitment date off the order: no date is promised any more.
    erp.put('sales_orders', { id: erpOrder.id, promiseDate: undefined });
    await syncAll(hub, 'erp', ['sales_orders']);
    expect((await runFlowNow(hub, findFlow('order-status'), { recordId: orderId })).status).toBe('succeeded');
    const golden = await hub.store.db.query<{ body: Record<string, unknown> }>(
      'SELECT body FROM golden_records WHERE id = $1',
      [opportunityId],
    );
    expect(golden.rows[0]!.body).not.toHaveProperty('promiseDate');
    expect(crmOpportunity().promiseDate).toBeNull();
    expect(crmOpportunity().erpOrderNumber).toBe(erpOrder.number);
  });
});
