import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { storeDrivers } from '../../tests/support/drivers.ts';
import { startTestHub, type TestHub } from '../../tests/support/test-hub.ts';
import { createMemoryQueue } from '../queue/memory-driver.ts';
import { defineFlow, type Flow } from './define.ts';
import { replayFlowRun, startFlowRun } from './runner.ts';

const trigger = { kind: 'manual' as const, params: {} };

/** What the test flow's steps do: `order` leaves what `undone` lists, then fails if `orderFails`; `notify` fails if `notifyFails`. */
const behaviour = { undone: [] as string[], orderFails: false, notifyFails: false };

const item = (id: string) => ({ entity: 'item', id, reason: `${id.toUpperCase()}: no supplier` });

const probe = defineFlow({
  name: 'partial-probe',
  summary: 'a step that may leave items undone, then one that may fail',
  trigger: { kind: 'manual' },
  writesTo: [],
  settings: z.object({}),
})
  .step('order', async ({ partial }) => {
    for (const id of behaviour.undone) partial(`${id} not ordered`, [item(id)]);
    if (behaviour.orderFails) throw new Error('the ERP refused the order');
    return { ordered: 3 - behaviour.undone.length };
  })
  .step('notify', async () => {
    if (behaviour.notifyFails) throw new Error('the CRM did not answer');
    return { notified: true };
  })
  .build() as Flow;

describe.each(storeDrivers())('flow runs that leave work undone on $name', (driver) => {
  let test: TestHub;
  beforeEach(async () => {
    Object.assign(behaviour, { undone: [], orderFails: false, notifyFails: false });
    test = await startTestHub({ store: await driver.open(), queue: createMemoryQueue(), workers: false });
  });
  afterEach(async () => {
    await test.stop();
  });

  it('ends partial, not succeeded, naming each record a step left undone and why', async () => {
    behaviour.undone = ['bolt', 'nut'];
    const run = await startFlowRun(test.hub, probe, trigger);
    expect(run.status).toBe('partial');
    expect(run.error).toBeNull();
    expect(run.context.partial).toEqual({
      order: { summary: 'bolt not ordered; nut not ordered', undone: [item('bolt'), item('nut')] },
    });
    expect(run.steps.map((step) => [step.step, step.status])).toEqual([
      ['order', 'done'],
      ['notify', 'done'],
    ]);
  });

  it('succeeds when no step reports anything undone', async () => {
    const run = await startFlowRun(test.hub, probe, trigger);
    expect(run.status).toBe('succeeded');
    expect(run.context.partial).toBeUndefined();
  });

  it('keeps the report of a step that took effect through a later failure and its replay', async () => {
    behaviour.undone = ['bolt'];
    behaviour.notifyFails = true;
    const failed = await startFlowRun(test.hub, probe, trigger);
    expect(failed.status).toBe('failed');
    expect(failed.context.partial).toEqual({
      order: { summary: 'bolt not ordered', undone: [item('bolt')] },
    });

    // The replay does not run `order` again: its recorded report still makes the run partial.
    behaviour.notifyFails = false;
    const replayed = await replayFlowRun(test.hub, probe, failed.id);
    expect(replayed.status).toBe('partial');
    expect(replayed.context.partial).toEqual({
      order: { summary: 'bolt not ordered', undone: [item('bolt')] },
    });
  });

  it('drops the report of a step that failed: its replay reports afresh', async () => {
    behaviour.undone = ['bolt'];
    behaviour.orderFails = true;
    const failed = await startFlowRun(test.hub, probe, trigger);
    expect(failed.status).toBe('failed');
    expect(failed.context.partial).toBeUndefined();

    Object.assign(behaviour, { undone: [], orderFails: false });
    expect((await replayFlowRun(test.hub, probe, failed.id)).status).toBe('succeeded');
  });
});
