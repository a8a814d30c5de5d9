import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { patchHubRecord, writeHubRecord } from '../../core/flow/golden-writes.ts';
import { createMemoryQueue } from '../../core/queue/memory-driver.ts';
import { listFailures } from '../../core/sync/failures.ts';
import { canonicalIdOf, setUpPlant, syncAll } from '../../tests/integration/flow-fixture.ts';
import { storeDrivers } from '../../tests/support/drivers.ts';
import type { MemorySystem } from '../../tests/support/memory-system.ts';
import { startTestHub, type TestHub } from '../../tests/support/test-hub.ts';
import { dealBufferStatus } from './deal-status.ts';
import { cronTicks, MONDAY, NEXT_TUESDAY, setToday, streamOf } from './test-ticks.ts';

describe.each(storeDrivers())('deal buffer status on $name', (driver) => {
  let test: TestHub;
  let crm: MemorySystem;
  let orderId: string;
  let tick: ReturnType<typeof cronTicks>;
  beforeEach(async () => {
    test = await startTestHub({ store: await driver.open(), queue: createMemoryQueue(), workers: false });
    ({ crm } = await setUpPlant(test.hub));
    crm.put('customers', { id: 'A-1', name: 'Wuxi Drives', currency: 'EUR' });
    crm.put('opportunities', { id: 'O-WON', name: 'Gears', accountId: 'A-1', stage: 'won' });
    crm.put('opportunities', { id: 'O-OPEN', name: 'Shafts', accountId: 'A-1', stage: 'proposal' });
    await syncAll(test.hub, 'crm', ['customers', 'opportunities']);
    // The ERP order lead-to-cash made of the won deal, promised for 11 March.
    orderId = randomUUID();
    const body = {
      number: 'SO-1',
      customerId: await canonicalIdOf(test.hub, 'customer', 'crm', 'A-1'),
      opportunityId: await canonicalIdOf(test.hub, 'opportunity', 'crm', 'O-WON'),
      status: 'confirmed',
      orderDate: '2027-02-22',
      promiseDate: '2027-03-11',
      currency: 'EUR',
      lines: [
        {
          itemId: await canonicalIdOf(test.hub, 'item', 'erp', 'I-GEAR'),
          quantity: { value: 5, uom: 'pcs' },
        },
      ],
    };
    await writeHubRecord(
      test.hub.store.db,
      { entity: 'sales_order', id: orderId, source: 'flow:lead-to-cash' },
      () => body,
    );
    tick = cronTicks(test.hub, dealBufferStatus);
    setToday(MONDAY);
  });
  afterEach(async () => {
    vi.useRealTimers();
    await test.stop();
  });

  const crmDeal = (id: string) => streamOf(crm, 'opportunities').record(id);
  const dealWrites = () => streamOf(crm, 'opportunities').writes();

  it("writes the won deal's colour when time alone changes it, nothing while it stays, and clears it once shipped", async () => {
    expect((await tick()).status).toBe('succeeded');
    expect(crmDeal('O-WON').bufferStatus).toBe('green');
    // The deal without an order has no status and is not written.
    expect(crmDeal('O-OPEN').bufferStatus).toBeUndefined();
    expect(dealWrites()).toMatchObject([{ count: 1 }]);

    const unchanged = await tick();
    expect(unchanged.steps.find((step) => step.step === 'measure')?.output).toMatchObject({ changes: [] });
    expect(dealWrites()).toHaveLength(1);

    // No event, only the calendar: the order has eaten into its buffer.
    setToday(NEXT_TUESDAY);
    expect((await tick()).status).toBe('succeeded');
    expect(crmDeal('O-WON').bufferStatus).toBe('red');
    expect(dealWrites()).toMatchObject([{ count: 1 }, { count: 1 }]);

    // Shipped: no buffer runs any more, and the CRM field is cleared rather than left red.
    await patchHubRecord(
      test.hub.store.db,
      { entity: 'sales_order', id: orderId, source: 'flow:order-status' },
      { status: 'shipped' },
    );
    expect((await tick()).status).toBe('succeeded');
    expect(crmDeal('O-WON').bufferStatus).toBeNull();
    expect(dealWrites()).toHaveLength(3);
  });

  it('writes a status the CRM refused at the next tick once it takes writes again', async () => {
    expect((await tick()).status).toBe('succeeded');
    setToday(NEXT_TUESDAY);
    crm.faults.push({
      status: 'reject',
      when: () => true,
      fieldPath: 'bufferStatus',
      message: 'Record locked',
    });
    expect((await tick()).status).toBe('failed');
    expect(crmDeal('O-WON').bufferStatus).toBe('green');
    crm.faults.length = 0;

    expect((await tick()).status).toBe('succeeded');
    expect(crmDeal('O-WON').bufferStatus).toBe('red');
    const writes = dealWrites().length;
    expect((await tick()).status).toBe('succeeded');
    expect(dealWrites()).toHaveLength(writes);
  });

  it('halts at a paused CRM saving nothing, filing nothing, and the tick after the resume writes the change', async () => {
    expect((await tick()).status).toBe('succeeded');
    await test.hub.store.connections.pause('crm', 'CRM sandbox refresh');
    setToday(NEXT_TUESDAY);

    const halted = await tick();
    expect(halted.status).toBe('halted');
    expect(halted.context).toMatchObject({
      haltedAt: 'recolour',
      reason: expect.stringContaining('CRM sandbox refresh'),
    });
    expect(
      (await listFailures(test.hub.store.db, { connectionId: 'flow:deal-buffer-status' })).items,
    ).toEqual([]);
    expect(crmDeal('O-WON').bufferStatus).toBe('green');

    await test.hub.store.connections.resume('crm');
    expect((await tick()).status).toBe('succeeded');
    expect(crmDeal('O-WON').bufferStatus).toBe('red');
  });
});
