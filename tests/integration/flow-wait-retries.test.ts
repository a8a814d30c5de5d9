import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { HubError } from '../../core/errors/index.ts';
import { defineFlow, type Flow } from '../../core/flow/define.ts';
import { FLOWS_QUEUE } from '../../core/flow/jobs.ts';
import { attemptFlowRun, startFlowRun, viewRun } from '../../core/flow/runner.ts';
import { resumeExpiredRuns } from '../../core/flow/service.ts';
import { listFailures, setFailureState } from '../../core/sync/failures.ts';
import { flows } from '../../flows/registry.ts';
import { queueDrivers, storeDrivers } from '../support/drivers.ts';
import { eventually, hubDriverPairs, startTestHub, type TestHub } from '../support/test-hub.ts';

// A waiting run has one delayed retry, and that retry takes the run up only while the run still
// waits on the wait it was queued for: a run that went on meanwhile (at a change of its record, a
// replay) and failed at a later step is left as it failed.

const FLOW = 'wait-retries-check';
const trigger = { kind: 'manual' as const, params: {} };

/** What the test flow's steps do: `need` waits until `ready`; `later` fails as `laterFails` says. */
const behaviour = {
  ready: false,
  laterFails: 'never' as 'never' | 'for-good' | 'once-transient',
  laterCalls: 0,
};

const waitRetriesFlow = defineFlow({
  name: FLOW,
  summary: 'a step that waits, then one that may fail',
  trigger: { kind: 'manual' },
  writesTo: [],
  settings: z.object({}),
})
  .step('need', async ({ waitFor }) => {
    if (behaviour.ready) return { ok: true };
    return waitFor(new HubError('not_found', 'part_missing', 'the part is not there yet'), {
      maxWaitMs: 60_000,
    });
  })
  .step('later', async () => {
    behaviour.laterCalls++;
    if (behaviour.laterFails === 'for-good')
      throw new HubError('invalid_data', 'later_refused', 'the later step is refused');
    if (behaviour.laterFails === 'once-transient' && behaviour.laterCalls === 1)
      throw new HubError('transient', 'later_unreachable', 'the later step could not reach its system');
    return { ok: true };
  })
  .build() as Flow;

describe.each(hubDriverPairs(storeDrivers(), queueDrivers()))(
  'retries of waiting flow runs on $label',
  ({ store, queue }) => {
    let test: TestHub;
    beforeEach(async () => {
      Object.assign(behaviour, { ready: false, laterFails: 'never', laterCalls: 0 });
      flows.push(waitRetriesFlow);
      test = await startTestHub({ store: await store.open(), queue: queue.open() });
    });
    afterEach(async () => {
      await test.stop();
      flows.splice(flows.indexOf(waitRetriesFlow), 1);
    });

    const failuresOf = async (state: string) =>
      (await listFailures(test.hub.store.db, { connectionId: `flow:${FLOW}` })).items.filter(
        (failure) => failure.state === state,
      );

    /** Files the run's failure as ignored, as an operator does. */
    async function ignoreTheFailure(): Promise<void> {
      const open = await failuresOf('open');
      expect(open).toHaveLength(1);
      await setFailureState(test.hub.store.db, open[0]!.id, 'ignored');
    }

    it('keeps one queued retry when the trigger fires again while the run waits; the run, failed later, is not run again', async () => {
      const run = await startFlowRun(test.hub, waitRetriesFlow, trigger, 'k1');
      expect(run.status).toBe('waiting');
      const again = await attemptFlowRun(test.hub, waitRetriesFlow, trigger, 'k1');
      expect(again.run.status).toBe('waiting');
      expect(again.run.context.waiting).toMatchObject({ step: 'need', tries: 1 });
      expect((await test.hub.queue.counts(FLOWS_QUEUE)).delayed).toBe(1);

      behaviour.ready = true;
      behaviour.laterFails = 'for-good';
      await eventually(
        async () => (await viewRun(test.hub, run.id)).status === 'failed',
        10_000,
        'the run failed at its later step',
      );
      await ignoreTheFailure();
      await test.hub.queue.whenIdle(FLOWS_QUEUE, 10_000);

      expect(behaviour.laterCalls).toBe(1);
      expect(await failuresOf('open')).toEqual([]);
      expect((await viewRun(test.hub, run.id)).status).toBe('failed');
    });

    it('a retry of a wait the run has left does nothing: the run went on at its trigger and failed, and stays failed', async () => {
      const run = await startFlowRun(test.hub, waitRetriesFlow, trigger, 'k2');
      expect(run.status).toBe('waiting');
      expect((await test.hub.queue.counts(FLOWS_QUEUE)).delayed).toBe(1);

      // The trigger fires again before the retry is due: the wait is over, the later step fails for good.
      behaviour.ready = true;
      behaviour.laterFails = 'for-good';
      const again = await attemptFlowRun(test.hub, waitRetriesFlow, trigger, 'k2');
      expect(again.run.status).toBe('failed');
      await ignoreTheFailure();

      // The retry queued for the wait comes due and finds the run no longer waiting on it.
      await test.hub.queue.whenIdle(FLOWS_QUEUE, 10_000);
      expect(behaviour.laterCalls).toBe(1);
      expect(await failuresOf('open')).toEqual([]);
      const after = await viewRun(test.hub, run.id);
      expect(after.status).toBe('failed');
      expect(after.steps.find((step) => step.step === 'later')).toMatchObject({
        status: 'failed',
        attempts: 1,
      });
      expect((await test.hub.queue.counts(FLOWS_QUEUE)).failed).toBe(0);
    });

    it('a retry that fails on a transient error is tried again by the queue, and that try takes its failed run up', async () => {
      const run = await startFlowRun(test.hub, waitRetriesFlow, trigger, 'k3');
      expect(run.status).toBe('waiting');
      behaviour.ready = true;
      behaviour.laterFails = 'once-transient';

      const done = await eventually(
        async () => {
          const view = await viewRun(test.hub, run.id);
          return view.status === 'succeeded' && view;
        },
        15_000,
        'the run succeeded at the retry of its retry',
      );
      expect(behaviour.laterCalls).toBe(2);
      expect(done.context).toMatchObject({ waiting: null });
      expect(await failuresOf('open')).toEqual([]);
      expect(await failuresOf('resolved')).toHaveLength(1);
    });

    it('a waiting run whose retry was lost goes on from the sweep', async () => {
      const run = await startFlowRun(test.hub, waitRetriesFlow, trigger, 'k4');
      expect(run.status).toBe('waiting');
      expect(await test.hub.queue.removeWaiting(FLOWS_QUEUE)).toBe(1);
      behaviour.ready = true;

      expect(await resumeExpiredRuns(test.hub)).toBe(0);
      await test.hub.store.db.query(
        `UPDATE flow_runs SET lease_until = now() - interval '2 minutes' WHERE id = $1`,
        [run.id],
      );
      expect(await resumeExpiredRuns(test.hub)).toBe(1);
      await eventually(
        async () => (await viewRun(test.hub, run.id)).status === 'succeeded',
        10_000,
        'the swept run succeeded',
      );
      expect(behaviour.laterCalls).toBe(1);
    });
  },
);
