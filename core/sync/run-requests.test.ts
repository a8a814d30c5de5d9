import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { type ApiFixture, bearer, startApiFixture } from '../../tests/integration/api-fixture.ts';
import { queueDrivers, storeDrivers } from '../../tests/support/drivers.ts';
import { memoryConnector, memorySystem } from '../../tests/support/memory-system.ts';
import { eventually, hubDriverPairs } from '../../tests/support/test-hub.ts';
import type { Hub } from '../runtime/hub.ts';
import { requestRun, retireRunRequestJob, takeRunRequests } from './run-requests.ts';
import { SYNC_RUNS_QUEUE, type SyncRunJob } from './sync-jobs.ts';

// Deleting a connection takes its run requests with it, but the queue keeps the ids of the run jobs
// they had (the last KEPT_COMPLETED completed ones): a connection created again under the same id
// must get runs for its requests all the same, not have them taken for the old connection's.

let fixture: ApiFixture | undefined;
afterEach(async () => {
  await fixture?.stop();
  fixture = undefined;
});

const held = async (hub: Hub, externalId: string) =>
  (
    await hub.store.db.query(
      `SELECT 1 FROM source_records WHERE connection_id = 'crm' AND external_id = $1`,
      [externalId],
    )
  ).rows.length > 0;

const waitingRuns = async (hub: Hub) => (await hub.queue.counts(SYNC_RUNS_QUEUE)).waiting;

const requestOf = async (hub: Hub, stream: string) =>
  (
    await hub.store.db.query<{ value: { at: number; generation: number; lineage?: string } }>(
      `SELECT value FROM connection_state WHERE connection_id = 'erp' AND key = $1`,
      [`run-request:${stream}`],
    )
  ).rows[0]!.value;

/** Asks for a run of the CRM's customers and waits until it has read `externalId`. */
async function requestedRunReads(hub: Hub, externalId: string) {
  await requestRun(hub, 'crm', 'customers');
  await eventually(() => held(hub, externalId), 10_000, `${externalId} read by a requested run`);
  await hub.queue.whenIdle(SYNC_RUNS_QUEUE, 10_000);
}

describe.each(hubDriverPairs(storeDrivers(), queueDrivers()))(
  'run requests of a connection created again ($label)',
  ({ store, queue }) => {
    it('run, although the completed run jobs of the deleted connection under the same id are still kept', async () => {
      const oldSystem = `rr-old-${randomBytes(4).toString('hex')}`;
      fixture = await startApiFixture({ store, queue, workers: true, systemName: oldSystem });
      const { hub } = fixture.test;
      const admin = bearer(fixture.tokens.admin);
      memorySystem(oldSystem).put('customers', { id: 'K1', name: 'First Change Ltd' });
      await requestedRunReads(hub, 'K1');
      memorySystem(oldSystem).put('customers', { id: 'K2', name: 'Second Change Ltd' });
      await requestedRunReads(hub, 'K2');
      expect(await hub.queue.counts(SYNC_RUNS_QUEUE)).toMatchObject({ completed: 2, failed: 0 });

      await request(fixture.app).delete('/api/connections/crm').set(admin).expect(200);
      const newSystem = `rr-new-${randomBytes(4).toString('hex')}`;
      await request(fixture.app)
        .post('/api/connections')
        .set(admin)
        .send({ id: 'crm', kind: 'memory', name: 'CRM again', config: { system: newSystem } })
        .expect(201);
      memorySystem(newSystem).put('customers', { id: 'N1', name: 'New Connection GmbH' });
      await requestedRunReads(hub, 'N1');
      memorySystem(newSystem).put('customers', { id: 'N2', name: 'Next Change GmbH' });
      await requestedRunReads(hub, 'N2');
      expect(await hub.queue.counts(SYNC_RUNS_QUEUE)).toMatchObject({ completed: 4, failed: 0 });
    }, 60_000);

    it('share one job until a run serves them', async () => {
      fixture = await startApiFixture({ store, queue });
      const { hub } = fixture.test;
      await requestRun(hub, 'crm', 'customers');
      await requestRun(hub, 'crm', 'customers');
      expect(await waitingRuns(hub)).toBe(1);
      await takeRunRequests(hub.store.db, 'crm', 'customers');
      await requestRun(hub, 'crm', 'customers');
      expect(await waitingRuns(hub)).toBe(2);
    });

    it('on a request row kept from before lineages, share the job the older hub queued for its generation, and take a lineage when it moves on', async () => {
      fixture = await startApiFixture({ store, queue });
      const { hub } = fixture.test;
      await hub.store.connections.save(
        {
          id: 'erp',
          kind: 'memory',
          name: 'ERP',
          config: { system: `rr-erp-${randomBytes(4).toString('hex')}` },
        },
        memoryConnector.configSchema,
      );
      for (const stream of ['customers', 'orders'])
        await hub.store.db.query(
          `INSERT INTO connection_state (connection_id, key, value) VALUES ('erp', $1, $2)`,
          [`run-request:${stream}`, JSON.stringify({ at: 1, generation: 3 })],
        );
      // Queued by the older hub for generation 3, under the id without a lineage.
      const olderJob: SyncRunJob = { connectionId: 'erp', stream: 'customers', reason: 'webhook' };
      await hub.queue.add(SYNC_RUNS_QUEUE, 'sync', olderJob, { jobId: 'run-erp-customers-g3' });

      await requestRun(hub, 'erp', 'customers');
      await requestRun(hub, 'erp', 'customers');
      expect(await waitingRuns(hub), 'run jobs for generation 3').toBe(1);
      expect(await requestOf(hub, 'customers')).toEqual({ at: expect.any(Number), generation: 3 });

      // A run takes the requests: the next generation has a lineage, and a job of its own.
      await takeRunRequests(hub.store.db, 'erp', 'customers');
      const taken = await requestOf(hub, 'customers');
      expect(taken).toMatchObject({ generation: 4, lineage: expect.stringMatching(/^[0-9a-f]{12}$/) });
      await requestRun(hub, 'erp', 'customers');
      await requestRun(hub, 'erp', 'customers');
      expect(await waitingRuns(hub), 'run jobs for generations 3 and 4').toBe(2);
      expect(await requestOf(hub, 'customers')).toMatchObject({ generation: 4, lineage: taken.lineage });

      // A run job that failed for good moves its generation on too.
      await retireRunRequestJob(hub.store.db, 'erp', 'orders');
      expect(await requestOf(hub, 'orders')).toMatchObject({
        generation: 4,
        lineage: expect.stringMatching(/^[0-9a-f]{12}$/),
      });
    });
  },
);
