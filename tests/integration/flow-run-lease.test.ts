import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findFlow } from '../../core/flow/catalog.ts';
import { type FlowRunView, viewRun } from '../../core/flow/runner.ts';
import { resumeExpiredRuns, runFlowNow } from '../../core/flow/service.ts';
import { saveFlowSettings } from '../../core/flow/settings.ts';
import { listFailures } from '../../core/sync/failures.ts';
import { queueDrivers, storeDrivers } from '../support/drivers.ts';
import { type MemorySystem, memoryConnector } from '../support/memory-system.ts';
import { eventually, hubDriverPairs, startTestHub, type TestHub } from '../support/test-hub.ts';
import { canonicalIdOf, copyTo, setUpPlant, syncAll } from './flow-fixture.ts';

/** A lease this short runs out while the test watches; the worker holding it never renews it. */
const SHORT_LEASE = { leaseMs: 300 };

describe.each(hubDriverPairs(storeDrivers(), queueDrivers()))(
  'flow run leases on $label',
  ({ store, queue }) => {
    let test: TestHub;
    let crm: MemorySystem;
    let erp: MemorySystem;
    let opportunityId: string;
    const originalWrite = memoryConnector.write;
    const leadToCash = findFlow('lead-to-cash');

    beforeEach(async () => {
      test = await startTestHub({ store: await store.open(), queue: queue.open() });
      ({ crm, erp } = await setUpPlant(test.hub));
      await copyTo(test.hub, 'crm', 'item');
      // Runs start by hand only, so each test decides which worker runs what.
      for (const name of ['lead-to-cash', 'order-status', 'order-to-production'])
        await saveFlowSettings(test.hub.store.db, findFlow(name), { enabled: false });
      crm.put('customers', { id: 'A-1', name: 'Hengda Auto Parts', currency: 'EUR' });
      const gear = crm.list('items').find((record) => record.sku === 'GEAR-40')!.id;
      crm.put('opportunities', {
        id: 'O-1',
        name: 'Gears',
        accountId: 'A-1',
        stage: 'won',
        currency: 'EUR',
        lines: [{ productId: gear, quantity: 10, unitPrice: 12000 }],
      });
      await syncAll(test.hub, 'crm', ['customers', 'opportunities']);
      opportunityId = await canonicalIdOf(test.hub, 'opportunity', 'crm', 'O-1');
    });
    afterEach(async () => {
      memoryConnector.write = originalWrite;
      await test.stop();
    });

    /**
     * Worker A stops while writing the order number back to the CRM: that write does not return
     * until released (a process that froze, or died and never comes back). Later writes go through.
     */
    function freezeFirstCrmWriteBack(): () => void {
      let release!: () => void;
      const released = new Promise<void>((resolve) => {
        release = resolve;
      });
      let frozen = false;
      memoryConnector.write = async (ctx, stream, ops) => {
        if (stream === 'opportunities' && !frozen) {
          frozen = true;
          await released;
        }
        return originalWrite.call(memoryConnector, ctx, stream, ops);
      };
      return release;
    }

    const runOfOpportunity = async (): Promise<FlowRunView | undefined> => {
      const { rows } = await test.hub.store.db.query<{ id: string }>(
        `SELECT id FROM flow_runs WHERE flow = 'lead-to-cash' AND run_key = $1`,
        [opportunityId],
      );
      return rows[0] ? viewRun(test.hub, rows[0].id) : undefined;
    };
    const stepOf = (run: FlowRunView, name: string) => run.steps.find((step) => step.step === name);
    const writingBack = async () => {
      const run = await runOfOpportunity();
      return run && stepOf(run, 'write-back-crm')?.status === 'running' ? run : undefined;
    };
    const expectOneOrderWrittenBack = (run: FlowRunView) => {
      expect(run.status).toBe('succeeded');
      expect(erp.list('sales_orders')).toHaveLength(1);
      expect(crm.list('opportunities')[0]!.erpOrderNumber).toBe(erp.list('sales_orders')[0]!.id);
      expect(stepOf(run, 'create-erp-order')?.attempts).toBe(1);
      expect(stepOf(run, 'write-back-crm')).toMatchObject({ status: 'done', attempts: 2 });
    };
    /** Worker A runs lead-to-cash on a short lease and stops while writing back; `stuck` is its run. */
    const stuckWorkerA = async () => {
      const release = freezeFirstCrmWriteBack();
      const workerA = runFlowNow(test.hub, leadToCash, { recordId: opportunityId }, SHORT_LEASE);
      const stuck = await eventually(writingBack, 20_000, 'worker A writing back');
      return { release, workerA, stuck };
    };
    /** The run once it is no longer running, calling `beforeEachLook` before each look at it. */
    const resumedRun = (runId: string, beforeEachLook: () => Promise<unknown> = async () => undefined) =>
      eventually(
        async () => {
          await beforeEachLook();
          const run = await viewRun(test.hub, runId);
          return run.status === 'running' ? undefined : run;
        },
        20_000,
        'the resumed run finished',
      );
    const openFlowFailures = async () =>
      (await listFailures(test.hub.store.db, { connectionId: 'flow:lead-to-cash', state: 'open' })).items;

    it('leaves a run to its worker while the lease lasts', async () => {
      const release = freezeFirstCrmWriteBack();
      const workerA = runFlowNow(test.hub, leadToCash, { recordId: opportunityId });
      await eventually(writingBack, 20_000, 'worker A writing back');
      const again = await runFlowNow(test.hub, leadToCash, { recordId: opportunityId });
      expect(again.status).toBe('running');
      expect(stepOf(again, 'write-back-crm')?.attempts).toBe(1);
      release();
      const done = await workerA;
      expect(done).toMatchObject({ status: 'succeeded', leaseUntil: null });
      expect(erp.list('sales_orders')).toHaveLength(1);
    });

    it('takes over a run whose worker died once its lease ran out, going on after the steps done', async () => {
      const { release, workerA, stuck } = await stuckWorkerA();
      // Worker B: the job is delivered again, or the opportunity changes again.
      const taken = await eventually(
        async () => {
          const run = await runFlowNow(test.hub, leadToCash, { recordId: opportunityId });
          return run.status === 'running' ? undefined : run;
        },
        20_000,
        'the run taken over after its lease ran out',
      );
      expect(taken.id).toBe(stuck.id);
      expectOneOrderWrittenBack(taken);
      expect(await openFlowFailures()).toEqual([]);

      // Worker A comes back: it lost the run, so its late answer changes nothing.
      release();
      expect((await workerA).id).toBe(stuck.id);
      expectOneOrderWrittenBack(await viewRun(test.hub, stuck.id));
      expect(await openFlowFailures()).toEqual([]);
    });

    it('resumes a run whose worker died when nothing delivers its trigger again', async () => {
      const { release, workerA, stuck } = await stuckWorkerA();
      await saveFlowSettings(test.hub.store.db, leadToCash, { enabled: true });
      // The workers' periodic sweep, run here at once: it queues the run again once its lease ran out.
      await eventually(async () => (await resumeExpiredRuns(test.hub)) > 0, 20_000, 'an expired run found');
      const resumed = await resumedRun(stuck.id);
      expectOneOrderWrittenBack(resumed);
      release();
      expect((await workerA).status).toBe('succeeded');
      expectOneOrderWrittenBack(await viewRun(test.hub, stuck.id));
    });

    it("reaches an enabled flow's run past more expired runs of a paused flow than one sweep takes", async () => {
      // order-status is paused (beforeEach): its jobs return without taking a run over.
      await test.hub.store.db.query(
        `INSERT INTO flow_runs (id, flow, run_key, trigger, status, claimed_by, lease_until, started_at)
         SELECT gen_random_uuid(), 'order-status', 'paused-' || n, '{"kind":"manual"}', 'running', 'dead-worker',
                now() - interval '1 hour', now() - interval '2 hours'
         FROM generate_series(1, 120) AS n`,
      );
      const { release, workerA, stuck } = await stuckWorkerA();
      await saveFlowSettings(test.hub.store.db, leadToCash, { enabled: true });
      // Each look runs the sweep again: one sweep does not reach past all the paused flow's runs.
      const resumed = await resumedRun(stuck.id, () => resumeExpiredRuns(test.hub));
      expectOneOrderWrittenBack(resumed);
      release();
      await workerA;
    });
  },
);
