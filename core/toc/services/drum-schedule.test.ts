import { describe, expect, it } from 'vitest';
import { computeDrumSchedule, scheduleParams } from './drum-schedule.ts';
import { fakeGoldenDb } from './fake-golden-db.ts';

const pcs = (value: number) => ({ value, uom: 'pcs' });
const plant = {
  work_center: [{ id: 'WC', body: { code: 'HEAT', name: 'Heat', minutesPerDay: 480, isConstraint: true } }],
  item: [{ id: 'I1', body: { sku: 'GEAR', name: 'Gear', uom: 'pcs', replenishment: 'make_to_order' } }],
  routing: [
    {
      id: 'R1',
      body: {
        itemId: 'I1',
        operations: [{ sequence: 10, workCenterId: 'WC', setupMinutes: 0, runMinutesPerUnit: 10 }],
      },
    },
  ],
};
const salesOrder = (id: string, dueDate: string) => ({
  id,
  body: {
    number: id,
    customerId: 'C',
    status: 'confirmed',
    orderDate: '2013-01-01',
    currency: 'EUR',
    lines: [{ itemId: 'I1', quantity: pcs(1), dueDate }],
  },
});

describe('computeDrumSchedule', () => {
  it('skips an open order due outside the planning window, naming it, and schedules the others', async () => {
    // A confirmed order from 2013 never closed in the ERP, and one typed as due in 2099.
    const db = fakeGoldenDb({
      ...plant,
      sales_order: [
        salesOrder('SO-NOW', '2024-06-20'),
        salesOrder('SO-2013', '2013-12-01'),
        salesOrder('SO-2099', '2099-06-20'),
      ],
    });
    const answer = await computeDrumSchedule(db, scheduleParams.parse({ asOf: '2024-06-03' }));
    expect(answer.result.orders.map((order) => order.id)).toEqual(['SO-NOW']);
    expect(answer.skipped).toEqual([
      {
        entity: 'sales_order',
        id: 'SO-2013',
        reason:
          'SO-2013: due date 2013-12-01: more than 3660 days from asOf 2024-06-03: outside the planning window',
      },
      {
        entity: 'sales_order',
        id: 'SO-2099',
        reason:
          'SO-2099: due date 2099-06-20: more than 3660 days from asOf 2024-06-03: outside the planning window',
      },
    ]);
  });
});
