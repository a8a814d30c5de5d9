import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startFlowRun } from '../../core/flow/runner.ts';
import { createMemoryQueue } from '../../core/queue/memory-driver.ts';
import { listFailures } from '../../core/sync/failures.ts';
import { canonicalIdOf, setUpPlant, syncAll } from '../../tests/integration/flow-fixture.ts';
import { storeDrivers } from '../../tests/support/drivers.ts';
import type { MemorySystem } from '../../tests/support/memory-system.ts';
import { startTestHub, type TestHub } from '../../tests/support/test-hub.ts';
import { bufferColours } from './flow.ts';

// Monday 1 March 2027; WO-1 is due Thursday 11 March, 8 working days on: its whole 8-day buffer
// (order-to-production's 3 + 5) is still ahead of it.
const MONDAY = new Date(2027, 2, 1, 10);
// Tuesday 9 March: 2 working days left, 6 of 8 consumed.
const NEXT_TUESDAY = new Date(2027, 2, 9, 10);

describe.each(storeDrivers())('buffer colours on $name', (driver) => {
  let test: TestHub;
  let erp: MemorySystem;
  let ticks = 0;
  beforeEach(async () => {
    test = await startTestHub({ store: await driver.open(), queue: createMemoryQueue(), workers: false });
    ({ erp } = await setUpPlant(test.hub));
    const workOrder = (id: string, dueDate: string) =>
      erp.put('work_orders', { id, number: id, itemId: 'I-GEAR', quantity: 5, status: 'released', dueDate });
    workOrder('WO-1', '2027-03-11');
    workOrder('WO-2', '2027-04-30');
    await syncAll(test.hub, 'erp', ['work_orders']);
    vi.useFakeTimers({ toFake: ['Date'], shouldAdvanceTime: true });
    vi.setSystemTime(MONDAY);
  });
  afterEach(async () => {
    vi.useRealTimers();
    await test.stop();
  });

  /** One cron tick of the flow, as the scheduler starts it. */
  const tick = () => {
    const at = new Date().toISOString();
    return startFlowRun(test.hub, bufferColours, { kind: 'cron', at }, `cron:${at}:${++ticks}`);
  };
  const erpWorkOrder = (id: string) => erp.list('work_orders').find((order) => order.id === id)!;
  const workOrderWrites = () => erp.writeCalls.filter((call) => call.stream === 'work_orders');
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
    vi.setSystemTime(NEXT_TUESDAY);
    const recoloured = await tick();
    expect(recoloured.status).toBe('succeeded');
    expect(erpWorkOrder('WO-1')).toMatchObject({ bufferColor: 'red', priority: 'urgent' });
    expect(erpWorkOrder('WO-1').bufferPenetrationPct).toBe(75);
    expect(erpWorkOrder('WO-2')).toMatchObject({ bufferColor: 'green' });
    expect(workOrderWrites()).toMatchObject([{ count: 2 }, { count: 1 }]);
  });

  it('halts at a paused ERP saving nothing, filing nothing, and the tick after the resume writes the change', async () => {
    expect((await tick()).status).toBe('succeeded');
    await test.hub.store.connections.pause('erp', 'ERP upgrade');
    vi.setSystemTime(NEXT_TUESDAY);

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
