import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import Transport from 'winston-transport';
import { type ApiFixture, bearer, startApiFixture } from '../../../tests/integration/api-fixture.ts';
import { queueDrivers, storeDrivers } from '../../../tests/support/drivers.ts';
import { memoryConnector } from '../../../tests/support/memory-system.ts';
import { startTestHub, type TestHub } from '../../../tests/support/test-hub.ts';
import { logger } from '../../log/logger.ts';
import { DROPPED_JOB } from '../../queue/port.ts';
import type { Hub } from '../../runtime/hub.ts';
import { requestRun } from '../../sync/run-requests.ts';
import { SYNC_RUNS_QUEUE, type SyncRunJob } from '../../sync/sync-jobs.ts';
import { WEBHOOKS_QUEUE, type WebhookJob } from '../../sync/webhooks.ts';
import { enqueueWrites, writeQueueName } from '../../sync/write-targets.ts';

// A deleted connection's queued work (writes to it, runs of its streams, drains of its webhooks)
// goes with it, on both queue drivers: a job left behind would run against nothing and fail.

class Capture extends Transport {
  lines: Array<Record<string, unknown>> = [];
  override log(info: Record<string, unknown>, done: () => void) {
    this.lines.push(info);
    done();
  }
}

const store = storeDrivers().at(-1)!;
const capture = new Capture({ level: 'warn' });

/** A write of one record, a run of a stream and a webhook drain, queued for `connectionId`. */
async function queueWorkOf(hub: Hub, connectionId: string, delayMs?: number) {
  const item = { canonicalId: randomUUID(), version: 1 };
  await enqueueWrites(hub, { connectionId, stream: 'customers', items: [item] }, {}, randomUUID());
  const run: SyncRunJob = { connectionId, stream: 'customers', reason: 'api' };
  await hub.queue.add(SYNC_RUNS_QUEUE, 'sync', run, { delayMs });
  const drain: WebhookJob = { connectionId, windowEnd: Date.now() + 20 };
  await hub.queue.add(WEBHOOKS_QUEUE, 'drain', drain, { delayMs });
}

const waitingIn = async (hub: Hub, queue: string) => {
  const counts = await hub.queue.counts(queue);
  return counts.waiting + counts.delayed;
};

describe.each(queueDrivers())(
  `deleting a connection with queued jobs (${store.name}, $name queue)`,
  (queue) => {
    let fixture: ApiFixture | undefined;
    let test: TestHub | undefined;
    afterEach(async () => {
      logger.remove(capture);
      capture.lines = [];
      await fixture?.stop();
      await test?.stop();
      fixture = undefined;
      test = undefined;
    });

    it('takes its waiting and delayed jobs out of the queues, and no other connection’s', async () => {
      fixture = await startApiFixture({ store, queue });
      const { hub } = fixture.test;
      const admin = bearer(fixture.tokens.admin);
      await request(fixture.app)
        .post('/api/connections')
        .set(admin)
        .send({ id: 'erp', kind: 'memory', name: 'ERP', config: { system: `erp-${randomUUID()}` } })
        .expect(201);
      await queueWorkOf(hub, 'erp');
      await queueWorkOf(hub, 'erp', 60_000);
      await requestRun(hub, 'erp', 'contacts');
      await queueWorkOf(hub, 'crm');
      expect(await waitingIn(hub, writeQueueName('erp'))).toBe(2);
      expect(await waitingIn(hub, SYNC_RUNS_QUEUE)).toBe(4);
      expect(await waitingIn(hub, WEBHOOKS_QUEUE)).toBe(3);

      await request(fixture.app).delete('/api/connections/erp').set(admin).expect(200);

      expect(await waitingIn(hub, writeQueueName('erp'))).toBe(0);
      expect(await waitingIn(hub, writeQueueName('crm'))).toBe(1);
      const left: Array<{ queue: string; connectionId: unknown }> = [];
      for (const name of [SYNC_RUNS_QUEUE, WEBHOOKS_QUEUE]) {
        const consumer = hub.queue.consume<{ connectionId: string }>(name, async (job) => {
          left.push({ queue: name, connectionId: job.data.connectionId });
        });
        await hub.queue.whenIdle(name);
        await consumer.close();
      }
      expect(left).toEqual([
        { queue: SYNC_RUNS_QUEUE, connectionId: 'crm' },
        { queue: WEBHOOKS_QUEUE, connectionId: 'crm' },
      ]);
    });

    it('ends a job of it that comes up after the delete as done, with a log line, and files no failure', async () => {
      const opened = await store.open();
      await opened.connections.save(
        { id: 'erp', kind: 'memory', name: 'ERP', config: { system: `erp-${randomUUID()}` } },
        memoryConnector.configSchema,
      );
      // The workers start with a write worker for the ERP, which stays on after the delete.
      test = await startTestHub({ store: opened, queue: queue.open() });
      const { hub } = test;
      await hub.store.connections.remove('erp');
      logger.add(capture);

      // Queued after the delete, as by a worker whose list of connections is a second old.
      await queueWorkOf(hub, 'erp');
      for (const name of [writeQueueName('erp'), SYNC_RUNS_QUEUE, WEBHOOKS_QUEUE])
        await hub.queue.whenIdle(name);

      for (const name of [writeQueueName('erp'), SYNC_RUNS_QUEUE, WEBHOOKS_QUEUE])
        expect(await hub.queue.counts(name), name).toMatchObject({ completed: 1, failed: 0 });
      const { rows } = await hub.store.db.query(`SELECT 1 FROM failed_syncs WHERE connection_id = 'erp'`);
      expect(rows).toEqual([]);
      const dropped = capture.lines.filter((line) => line.message === DROPPED_JOB).map((line) => line.queue);
      expect(dropped.sort()).toEqual([SYNC_RUNS_QUEUE, writeQueueName('erp')].sort());
    });
  },
);
