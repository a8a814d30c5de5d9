import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEmbeddedStore } from '../../../tests/support/drivers.ts';
import type { Store } from '../../store/index.ts';
import { computeDrumSchedule, scheduleParams } from './drum-schedule.ts';
import { seedGolden } from './golden-fixture.ts';

const workCenterId = randomUUID();
const gearId = randomUUID();
const customerId = randomUUID();
const pcs = (value: number) => ({ value, uom: 'pcs' });
const plant = {
  work_center: [
    { id: workCenterId, body: { code: 'HEAT', name: 'Heat', minutesPerDay: 480, isConstraint: true } },
  ],
  item: [{ id: gearId, body: { sku: 'GEAR', name: 'Gear', uom: 'pcs', replenishment: 'make_to_order' } }],
  routing: [
    {
      id: randomUUID(),
      body: {
        itemId: gearId,
        operations: [{ sequence: 10, workCenterId, setupMinutes: 0, runMinutesPerUnit: 10 }],
      },
    },
  ],
  customer: [{ id: customerId, body: { name: 'Acme' } }],
};
const salesOrder = (number: string, dueDate: string) => ({
  id: randomUUID(),
  body: {
    number,
    customerId,
    status: 'confirmed',
    orderDate: '2013-01-01',
    currency: 'EUR',
    lines: [{ itemId: gearId, quantity: pcs(1), dueDate }],
  },
});

describe('computeDrumSchedule', () => {
  let store: Store;
  beforeAll(async () => {
    store = await openEmbeddedStore();
  });
  afterAll(async () => {
    await store.close();
  });

  it('skips an open order due outside the planning window, naming it, and schedules the others', async () => {
    // A confirmed order from 2013 never closed in the ERP, and one typed as due in 2099.
    const now = salesOrder('SO-NOW', '2024-06-20');
    const stale = salesOrder('SO-2013', '2013-12-01');
    const farOff = salesOrder('SO-2099', '2099-06-20');
    await seedGolden(store.db, { ...plant, sales_order: [now, stale, farOff] });
    const answer = await computeDrumSchedule(store.db, scheduleParams.parse({ asOf: '2024-06-03' }));
    // The engine knows each order by its number; the refs lead back to the golden record.
    expect(answer.result.orders.map((order) => order.id)).toEqual(['SO-NOW']);
    expect(answer.plant.labels.refs['SO-NOW']).toBe(`${now.id}#0`);
    expect(answer.skipped).toEqual([
      {
        entity: 'sales_order',
        id: stale.id,
        reason:
          'SO-2013: due date 2013-12-01: more than 3660 days from asOf 2024-06-03: outside the planning window',
      },
      {
        entity: 'sales_order',
        id: farOff.id,
        reason:
          'SO-2099: due date 2099-06-20: more than 3660 days from asOf 2024-06-03: outside the planning window',
      },
    ]);
  });
});
