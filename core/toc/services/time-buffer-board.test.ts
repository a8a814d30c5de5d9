import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEmbeddedStore } from '../../../tests/support/drivers.ts';
import type { Store } from '../../store/index.ts';
import { seedGolden } from './golden-fixture.ts';
import { computeTimeBuffers, timeBufferParams } from './time-buffer-board.ts';

const gearId = randomUUID();
const workCenter = {
  id: randomUUID(),
  body: { code: 'HEAT', name: 'Heat', minutesPerDay: 480, isConstraint: true },
};
const gear = { id: gearId, body: { sku: 'GEAR', name: 'Gear', uom: 'pcs', replenishment: 'make_to_order' } };
const workOrder = (number: string, dueDate?: string) => ({
  id: randomUUID(),
  body: { number, itemId: gearId, quantity: { value: 1, uom: 'pcs' }, status: 'planned', dueDate },
});

describe('computeTimeBuffers', () => {
  let store: Store;
  beforeAll(async () => {
    store = await openEmbeddedStore();
  });
  afterAll(async () => {
    await store.close();
  });

  it('skips a work order due outside the planning window, naming it, and colours the others', async () => {
    const due = workOrder('WO-1', '2024-06-10');
    const farOff = workOrder('WO-2035', '2035-01-01');
    const undated = workOrder('WO-X');
    await seedGolden(store.db, {
      work_center: [workCenter],
      item: [gear],
      work_order: [due, farOff, undated],
    });
    const answer = await computeTimeBuffers(store.db, timeBufferParams.parse({ asOf: '2024-06-03' }));
    // The engine knows each order by its number; the refs lead back to the golden record.
    expect(answer.result.orders.map((order) => order.id)).toEqual(['WO-1']);
    expect(answer.refs['WO-1']).toBe(due.id);
    expect(answer.skipped).toEqual([
      {
        entity: 'work_order',
        id: farOff.id,
        reason:
          'WO-2035: dueDate 2035-01-01: more than 3660 days from asOf 2024-06-03: outside the planning window',
      },
      { entity: 'work_order', id: undated.id, reason: 'no due date' },
    ]);
  });
});
