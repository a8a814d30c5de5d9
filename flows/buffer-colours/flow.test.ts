import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createMemoryQueue } from '../../core/queue/memory-driver.ts';
import { listFailures } from '../../core/sync/failures.ts';
import { canonicalIdOf, setUpPlant, syncAll } from '../../tests/integration/flow-fixture.ts';
import { storeDrivers } from '../../tests/support/drivers.ts';
import type { MemorySystem } from '../../tests/support/memory-system.ts';
import { startTestHub, type TestHub } from '../../tests/support/test-hub.ts';
import { bufferColours } from './flow.ts';
import { cronTicks, MONDAY, NEXT_TUESDAY, setToday, streamOf } from './test-ticks.ts';

describe.each(storeDrivers())('buffer colours on $name', (driver) => {
  let test: TestHub;
  let erp: MemorySystem;
  let tick: ReturnType<typeof cronTicks>;
  beforeEach(async () => {
    test = await startTestHub({ store: await driver.open(), queue: createMemoryQueue(), workers: false });
    ({ erp } = await setUpPlant(test.hub));
    const workOrder = (id: string, dueDate: string) =>
      erp.put('work_orders', { id, number: id, itemId: 'I-GEAR', quantity: 5, status: 'released', dueDate });
    workOrder('WO-1', '2027-03-11');
    workOrder('WO-2', '2027-04-30');
    await syncAll(test.hub, 'erp', ['work_orders']);
    tick = cronTicks(test.hub, bufferColours);
    setToday(MONDAY);
  });
  afterEach(async () => {
    vi.useRealTimers();
    await test.stop();
  });

  const erpWorkOrder = (id: string) => streamOf(erp, 'work_orders').record(id);
  const workOrderWrites = () => streamOf(erp, 'work_orders').writes();
  const hubColour = async (externalId: string) => {
    const id = await canonicalIdOf(test.hub, 'work_order', 'erp', externalId);
    const { rows } = await test.hub.store.db.query<{ color: string | null }>(
      `SELECT body->>'bufferColor' AS color FROM golden_records WHERE id = $1`,
      [id],
    );
    return rows[0]!.color;
  };

  it('writes a colour that changed with time alone at the next tick, and nothing while colours stay', async () => {
    expect((await tick()).status).toBe('succeeded');
    expect(erpWorkOrder('WO-1')).toMatchObject({ bufferColor: 'green', priority: 'normal' });
    expect(workOrderWrites()).toMatchObject([{ count: 2 }]);

    // Later the same day: every colour is the one the ERP has, so nothing is saved or written.
    const unchanged = await tick();
    expect(unchanged.status).toBe('succeeded');
    expect(unchanged.steps.find((step) => step.step === 'measure')?.output).toMatchObject({ recoloured: [] });
    expect(workOrderWrites()).toHaveLength(1);

    // No event at all, only the calendar: WO-1 has eaten into its buffer and is red; WO-2 stays green.
    setToday(NEXT_TUESDAY);
    const recoloured = await tick();
    expect(recoloured.status).toBe('succeeded');
    expect(erpWorkOrder('WO-1')).toMatchObject({ bufferColor: 'red', priority: 'urgent' });
    expect(erpWorkOrder('WO-1').bufferPenetrationPct).toBe(75);
    expect(erpWorkOrder('WO-2')).toMatchObject({ bufferColor: 'green' });
    expect(workOrderWrites()).toMatchObject([{ count: 2 }, { count: 1 }]);
  });

  it('writes a colour the ERP refused at the next tick once it takes writes again', async () => {
    expect((await tick()).status).toBe('succeeded');
    setToday(NEXT_TUESDAY);
    // WO-1 turns red, but the ERP refuses the write (a user holds the order): the run fails.
    erp.faults.push({
      status: 'reject',
      when: () => true,
      fieldPath: 'priority',
      message: 'Document is locked',
    });
    expect((await tick()).status).toBe('failed');
    expect(await hubColour('WO-1')).toBe('red');
    expect(erpWorkOrder('WO-1').bufferColor).toBe('green');
    erp.faults.length = 0;

    // The hub's copy is red already, so only what the ERP was last written tells it lacks it.
    expect((await tick()).status).toBe('succeeded');
    expect(erpWorkOrder('WO-1')).toMatchObject({ bufferColor: 'red', priority: 'urgent' });
    const writes = workOrderWrites().length;
    expect((await tick()).status).toBe('succeeded');
    expect(workOrderWrites()).toHaveLength(writes);
  });

  it('halts at a paused ERP saving nothing, filing nothing, and the tick after the resume writes the change', async () => {
    expect((await tick()).status).toBe('succeeded');
    await test.hub.store.connections.pause('erp', 'ERP upgrade');
    setToday(NEXT_TUESDAY);

    const halted = await tick();
    expect(halted.status).toBe('halted');
    expect(halted.context).toMatchObject({
      haltedAt: 'recolour',
      reason: expect.stringContaining('ERP upgrade'),
    });
    expect((await listFailures(test.hub.store.db, { connectionId: 'flow:buffer-colours' })).items).toEqual(
      [],
    );
    // Not saved in the hub either: otherwise the next tick would find the colour unchanged and never write it.
    expect(await hubColour('WO-1')).toBe('green');
    expect(erpWorkOrder('WO-1').bufferColor).toBe('green');

    await test.hub.store.connections.resume('erp');
    expect((await tick()).status).toBe('succeeded');
    expect(erpWorkOrder('WO-1')).toMatchObject({ bufferColor: 'red', priority: 'urgent' });
    expect(await hubColour('WO-1')).toBe('red');
  });
});
