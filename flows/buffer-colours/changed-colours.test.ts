import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMemoryQueue } from '../../core/queue/memory-driver.ts';
import { canonicalIdOf, setUpPlant, syncAll } from '../../tests/integration/flow-fixture.ts';
import { storeDrivers } from '../../tests/support/drivers.ts';
import type { MemorySystem } from '../../tests/support/memory-system.ts';
import { startTestHub, type TestHub } from '../../tests/support/test-hub.ts';
import { saveAndWriteChanged } from './changed-colours.ts';
import { streamOf } from './test-ticks.ts';

describe.each(storeDrivers())('changed colours on $name', (driver) => {
  let test: TestHub;
  let erp: MemorySystem;
  beforeEach(async () => {
    test = await startTestHub({ store: await driver.open(), queue: createMemoryQueue(), workers: false });
    ({ erp } = await setUpPlant(test.hub));
    erp.put('work_orders', {
      id: 'WO-1',
      number: 'WO-1',
      itemId: 'I-GEAR',
      quantity: 5,
      status: 'released',
      dueDate: '2027-03-11',
    });
    await syncAll(test.hub, 'erp', ['work_orders']);
  });
  afterEach(async () => {
    await test.stop();
  });

  it('passes over a record deleted since it was measured and colours the others', async () => {
    const workOrderId = await canonicalIdOf(test.hub, 'work_order', 'erp', 'WO-1');
    const target = {
      role: 'erp',
      entity: 'work_order',
      source: 'flow:buffer-colours',
      field: 'bufferColor',
    } as const;
    const red = { bufferColor: 'red', bufferPenetrationPct: 75 };
    const written = await saveAndWriteChanged(test.hub, target, [
      { id: randomUUID(), patch: red },
      { id: workOrderId, patch: red },
    ]);
    expect(Object.keys(written)).toEqual([workOrderId]);
    expect(streamOf(erp, 'work_orders').record('WO-1')).toMatchObject({ bufferColor: 'red' });
  });
});
