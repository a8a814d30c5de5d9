import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createMemoryQueue } from '../../core/queue/memory-driver.ts';
import { today } from '../../core/toc/services/load.ts';
import { canonicalIdOf, copyTo, runFlow, setUpPlant, syncAll } from '../../tests/integration/flow-fixture.ts';
import { storeDrivers } from '../../tests/support/drivers.ts';
import type { MemorySystem } from '../../tests/support/memory-system.ts';
import { startTestHub, type TestHub } from '../../tests/support/test-hub.ts';

describe.each(storeDrivers())('lead-to-cash run that goes on later, on $name', (driver) => {
  let test: TestHub;
  let crm: MemorySystem;
  let erp: MemorySystem;
  // No workers: each flow runs when the test says, so the order of events is the test's.
  beforeEach(async () => {
    test = await startTestHub({ store: await driver.open(), queue: createMemoryQueue(), workers: false });
    ({ crm, erp } = await setUpPlant(test.hub));
    await copyTo(test.hub, 'crm', 'item');
    crm.put('customers', { id: 'A-1', name: 'Hengda Auto Parts', currency: 'EUR' });
  });
  afterEach(async () => {
    vi.useRealTimers();
    await test.stop();
  });

  const winOpportunity = async (id: string, productId: string) => {
    crm.put('opportunities', {
      id,
      name: 'Hengda',
      accountId: 'A-1',
      stage: 'won',
      currency: 'EUR',
      lines: [{ productId, quantity: 8, unitPrice: 5000 }],
    });
    await syncAll(test.hub, 'crm', ['items', 'customers', 'opportunities']);
    return canonicalIdOf(test.hub, 'opportunity', 'crm', id);
  };

  it('keeps the ERP order number order-status wrote to the opportunity when it writes back after it', async () => {
    const shaft = crm.list('items').find((item) => item.sku === 'SHAFT-12')!.id;
    // The CRM refuses the write-back for a while (a field-level permission an admin fixes later).
    const refusal = {
      status: 'reject' as const,
      when: (record: Record<string, unknown>) => 'erpOrderNumber' in record,
      fieldPath: 'erpOrderNumber',
      message: 'field is read-only',
    };
    crm.faults.push(refusal);
    const opportunityId = await winOpportunity('O-1', shaft);
    const failed = await runFlow(test.hub, 'lead-to-cash', { recordId: opportunityId });
    expect(failed.steps.find((step) => step.step === 'write-back-crm')?.status).toBe('failed');
    const [erpOrder] = erp.list('sales_orders');
    expect(erpOrder).toMatchObject({ number: 'SO-0001' });
    expect(erpOrder!.id).not.toBe('SO-0001');
    crm.faults.splice(crm.faults.indexOf(refusal), 1);

    // The ERP's order syncs in with its number, and order-status writes that to the opportunity.
    await syncAll(test.hub, 'erp', ['sales_orders']);
    const orderId = await canonicalIdOf(test.hub, 'sales_order', 'erp', String(erpOrder!.id));
    expect((await runFlow(test.hub, 'order-status', { recordId: orderId })).status).toBe('succeeded');
    expect(crm.list('opportunities')[0]!.erpOrderNumber).toBe('SO-0001');

    // That change of the opportunity takes the failed lead-to-cash run up again.
    const resumed = await runFlow(test.hub, 'lead-to-cash', { recordId: opportunityId });
    expect(resumed).toMatchObject({ id: failed.id, status: 'succeeded' });
    const { rows } = await test.hub.store.db.query<{ number: string }>(
      `SELECT body->>'erpOrderNumber' AS number FROM golden_records WHERE id = $1`,
      [opportunityId],
    );
    expect(rows[0]!.number).toBe('SO-0001');
    expect(crm.list('opportunities')[0]!.erpOrderNumber).toBe('SO-0001');
  });

  it('quotes again when it creates the order on a later day than it quoted', async () => {
    // A product the CRM sells that has not reached the ERP yet: create-erp-order fails on it.
    crm.put('items', { id: 'P-NEW', sku: 'GEAR-60', name: 'Gear 60', replenishment: 'make_to_order' });
    const opportunityId = await winOpportunity('O-2', 'P-NEW');
    const failed = await runFlow(test.hub, 'lead-to-cash', { recordId: opportunityId });
    expect(failed.error).toMatch(/create-erp-order: item .* not known in erp/);
    const quoted = failed.steps.find((step) => step.step === 'quote-promise-date')!.output as {
      promiseDate: string;
    };

    // Six weeks later the item reaches the ERP and the run goes on.
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date(Date.now() + 42 * 86_400_000));
    await copyTo(test.hub, 'erp', 'item');
    const run = await runFlow(test.hub, 'lead-to-cash', { recordId: opportunityId });
    expect(run).toMatchObject({ id: failed.id, status: 'succeeded' });

    const [order] = erp.list('sales_orders');
    const orderDay = today();
    expect(order!.orderDate).toBe(orderDay);
    expect(quoted.promiseDate < orderDay).toBe(true);
    expect(String(order!.promiseDate) >= orderDay, `promised for ${order!.promiseDate}`).toBe(true);
    expect(order!.lines).toMatchObject([{ dueDate: order!.promiseDate }]);
    expect(crm.list('opportunities')[0]!.promiseDate).toBe(order!.promiseDate);
  });
});
