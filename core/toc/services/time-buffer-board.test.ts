import { describe, expect, it } from 'vitest';
import { fakeGoldenDb } from './fake-golden-db.ts';
import { computeTimeBuffers, timeBufferParams } from './time-buffer-board.ts';

const workCenter = { id: 'WC', body: { code: 'HEAT', name: 'Heat', minutesPerDay: 480, isConstraint: true } };
const workOrder = (id: string, dueDate?: string) => ({
  id,
  body: { number: id, itemId: 'I1', quantity: { value: 1, uom: 'pcs' }, status: 'planned', dueDate },
});

describe('computeTimeBuffers', () => {
  it('skips a work order due outside the planning window, naming it, and colours the others', async () => {
    const db = fakeGoldenDb({
      work_center: [workCenter],
      work_order: [workOrder('WO-1', '2024-06-10'), workOrder('WO-2035', '2035-01-01'), workOrder('WO-X')],
    });
    const answer = await computeTimeBuffers(db, timeBufferParams.parse({ asOf: '2024-06-03' }));
    expect(answer.result.orders.map((order) => order.id)).toEqual(['WO-1']);
    expect(answer.skipped).toEqual([
      {
        entity: 'work_order',
        id: 'WO-2035',
        reason:
          'WO-2035: dueDate 2035-01-01: more than 3660 days from asOf 2024-06-03: outside the planning window',
      },
      { entity: 'work_order', id: 'WO-X', reason: 'no due date' },
    ]);
  });
});
