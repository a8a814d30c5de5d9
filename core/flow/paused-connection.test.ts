import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { flows } from '../../flows/registry.ts';
import { type ApiFixture, bearer, startApiFixture } from '../../tests/integration/api-fixture.ts';
import { queueDrivers, storeDrivers } from '../../tests/support/drivers.ts';
import { memoryConnector, memorySystem } from '../../tests/support/memory-system.ts';
import { eventually, hubDriverPairs } from '../../tests/support/test-hub.ts';
import type { Hub } from '../runtime/hub.ts';
import { startWorkers } from '../runtime/worker.ts';
import { listFailures } from '../sync/failures.ts';
import { defineFlow, type Flow } from './define.ts';
import { FLOWS_QUEUE } from './jobs.ts';
import { startFlowRun, viewRun } from './runner.ts';
import { connectionForRole } from './targets.ts';

// An ERP paused for its upgrade is not an ERP that is down: a flow step that needs it waits for
// the resume (no failure filed), and the resume takes the run up at once instead of leaving it to
// its backed-off retry, which then finds the run gone on and does nothing.

const FLOW = 'paused-erp-check';
const trigger = { kind: 'manual' as const, params: {} };
const calls = { order: 0 };

/** A scheduled flow that needs the ERP: its run stops at a pause, as its next tick runs afresh. */
const scheduledErpFlow = defineFlow({
  name: `${FLOW}-scheduled`,
  summary: 'a scheduled step that needs the ERP',
  trigger: { kind: 'cron', cron: '0 6 * * *' },
  writesTo: [],
  settings: z.object({}),
})
  .step('order', async ({ hub }) => ({ erp: (await connectionForRole(hub, 'erp')).id }))
  .build() as Flow;

const pausedErpFlow = defineFlow({
  name: FLOW,
  summary: 'a step that needs the ERP',
  trigger: { kind: 'manual' },
  writesTo: [],
  settings: z.object({}),
})
  .step('order', async ({ hub }) => {
    calls.order++;
    return { erp: (await connectionForRole(hub, 'erp')).id };
  })
  .build() as Flow;

let fixture: ApiFixture | undefined;
let workers: { stop(): Promise<void> } | undefined;
afterEach(async () => {
  await workers?.stop();
  workers = undefined;
  await fixture?.stop();
  fixture = undefined;
  for (const flow of [pausedErpFlow, scheduledErpFlow])
    if (flows.includes(flow)) flows.splice(flows.indexOf(flow), 1);
});

/** The ERP: a memory system whose connection plays the erp role. */
async function saveErp(hub: Hub) {
  await hub.store.connections.save(
    {
      id: 'erp',
      kind: 'memory',
      name: 'ERP',
      config: { system: memorySystem(`paused-erp-${Date.now()}-${Math.random()}`).name },
      options: { role: 'erp' },
    },
    memoryConnector.configSchema,
  );
}

describe.each(hubDriverPairs(storeDrivers(), queueDrivers()))(
  'a flow step whose ERP is paused, on $label',
  ({ store, queue }) => {
    it('waits naming the connection and the reason, and runs on as soon as the ERP is resumed', async () => {
      calls.order = 0;
      flows.push(pausedErpFlow);
      fixture = await startApiFixture({ store, queue, workers: false });
      const { hub } = fixture.test;
      await saveErp(hub);
      const admin = bearer(fixture.tokens.admin);
      await request(fixture.app)
        .post('/api/connections/erp/pause')
        .set(admin)
        .send({ reason: 'ERP upgrade' })
        .expect(200);

      const waiting = await startFlowRun(hub, pausedErpFlow, trigger, 'order-1');
      expect(waiting.status).toBe('waiting');
      expect(waiting.context.waiting).toMatchObject({
        step: 'order',
        pausedConnection: 'erp',
        reason: expect.stringContaining('"erp" is paused (ERP upgrade)'),
      });
      expect((await listFailures(hub.store.db, { connectionId: `flow:${FLOW}` })).items).toEqual([]);
      expect(await hub.queue.counts(FLOWS_QUEUE)).toMatchObject({ waiting: 0, delayed: 1 });

      const resumed = await request(fixture.app).post('/api/connections/erp/resume').set(admin).send({});
      expect(resumed.status).toBe(200);
      expect(resumed.body.flowRunsTakenUp).toBe(1);
      // Queued now, beside the delayed retry.
      expect(await hub.queue.counts(FLOWS_QUEUE)).toMatchObject({ waiting: 1, delayed: 1 });

      workers = await startWorkers(hub);
      await eventually(
        async () => (await viewRun(hub, waiting.id)).status === 'succeeded',
        15_000,
        'the run',
      );
      await hub.queue.whenIdle(FLOWS_QUEUE, 15_000);
      const done = await viewRun(hub, waiting.id);
      expect(done.steps).toEqual([
        expect.objectContaining({ step: 'order', status: 'done', output: { erp: 'erp' } }),
      ]);
      expect(done.context.waiting).toBeNull();
      // Once while paused, once at the resume: the delayed retry found the run gone on.
      expect(calls.order).toBe(2);
    });

    it("stops a scheduled flow's run, filing nothing: its next tick runs afresh instead of two kept ones", async () => {
      flows.push(scheduledErpFlow);
      fixture = await startApiFixture({ store, queue, workers: false });
      const { hub } = fixture.test;
      await saveErp(hub);
      await hub.store.connections.pause('erp', 'weekend upgrade');
      const tick = { kind: 'cron' as const, at: new Date().toISOString() };
      const run = await startFlowRun(hub, scheduledErpFlow, tick, 'tick-1');
      expect(run.status).toBe('halted');
      expect(run.context).toMatchObject({
        haltedAt: 'order',
        reason: expect.stringContaining('weekend upgrade'),
      });
      expect(run.steps).toEqual([expect.objectContaining({ step: 'order', status: 'halted' })]);
      expect(
        (await listFailures(hub.store.db, { connectionId: `flow:${scheduledErpFlow.name}` })).items,
      ).toEqual([]);
      expect(await hub.queue.counts(FLOWS_QUEUE)).toMatchObject({ waiting: 0, delayed: 0 });
    });
  },
);
