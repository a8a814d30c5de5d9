import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { storeDrivers } from '../../tests/support/drivers.ts';
import { startTestHub, type TestHub } from '../../tests/support/test-hub.ts';
import { createMemoryQueue } from '../queue/memory-driver.ts';
import { defineFlow, type Flow, type LeftUndone } from './define.ts';
import { replayFlowRun, startFlowRun } from './runner.ts';

const trigger = { kind: 'manual' as const, params: {} };
const behaviour = { undone: [] as LeftUndone[], notifyFails: false };

// `order` is the LAST step of `lastReports`: it reports what `behaviour.undone` names.
const lastReports = defineFlow({
  name: 'partial-last-step',
  summary: 'the last step reports work left undone',
  trigger: { kind: 'manual' },
  writesTo: [],
  settings: z.object({}),
})
  .step('prepare', async () => ({ ready: true }))
  .step('order', async ({ partial }) => {
    if (behaviour.undone.length > 0) partial('not ordered', behaviour.undone);
    return { ordered: true };
  })
  .build() as Flow;

const reportThenFail = defineFlow({
  name: 'partial-then-fail',
  summary: 'a step reports work left undone, the next may fail',
  trigger: { kind: 'manual' },
  writesTo: [],
  settings: z.object({}),
})
  .step('order', async ({ partial }) => {
    if (behaviour.undone.length > 0) partial('not ordered', behaviour.undone);
    return { ordered: true };
  })
  .step('notify', async () => {
    if (behaviour.notifyFails) throw new Error('the CRM did not answer');
    return { notified: true };
  })
  .build() as Flow;

describe.each(storeDrivers())('partial reports on $name', (driver) => {
  let test: TestHub;
  beforeEach(async () => {
    Object.assign(behaviour, { undone: [], notifyFails: false });
    test = await startTestHub({ store: await driver.open(), queue: createMemoryQueue(), workers: false });
  });
  afterEach(async () => {
    await test.stop();
  });

  it('a step that runs again and leaves nothing undone does not keep its earlier report', async () => {
    // First attempt: `order` reports, is recorded done with its report, then ending the run hits a
    // dropped connection once. failRun records `order` (the current step) as failed: a replay runs it again.
    behaviour.undone = [{ entity: 'item', id: 'bolt', reason: 'BOLT: no supplier' }];
    const { db } = test.hub.store;
    const query = db.query;
    let dropped = false;
    db.query = (async (text: string, params?: unknown[]) => {
      if (!dropped && text.includes('UPDATE flow_runs SET status = $3')) {
        dropped = true;
        throw new Error('Connection terminated unexpectedly');
      }
      return query.call(db, text, params);
    }) as typeof db.query;
    const failed = await startFlowRun(test.hub, lastReports, trigger).finally(() => {
      db.query = query;
    });
    expect(failed.status).toBe('failed');
    expect(failed.steps.find((step) => step.step === 'order')?.status).toBe('failed');

    // The replay runs `order` again; this time it orders everything.
    behaviour.undone = [];
    const replayed = await replayFlowRun(test.hub, lastReports, failed.id);
    expect(replayed.steps.find((step) => step.step === 'order')?.attempts).toBe(2);
    expect(replayed.status).toBe('succeeded');
    expect(replayed.context.partial).toBeUndefined();
  });

  it('keeps a report naming a numeric record id through a replay', async () => {
    // An id read from a record body can be a number (Odoo): it is kept as text.
    behaviour.undone = [{ entity: 'item', id: 42, reason: 'BOLT: no supplier' }];
    behaviour.notifyFails = true;
    const failed = await startFlowRun(test.hub, reportThenFail, trigger);
    expect(failed.status).toBe('failed');
    expect(failed.context.partial).toBeDefined();

    behaviour.notifyFails = false;
    const replayed = await replayFlowRun(test.hub, reportThenFail, failed.id);
    // context.partial still names the item, so the run must not say it succeeded.
    expect(replayed.context.partial).toBeDefined();
    expect(replayed.status).toBe('partial');
  });
});
