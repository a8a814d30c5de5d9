import { randomUUID } from 'node:crypto';
import net from 'node:net';
import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { type ApiFixture, bearer, startApiFixture } from '../../../tests/integration/api-fixture.ts';
import { openTestBullmqQueue, queueDrivers, storeDrivers } from '../../../tests/support/drivers.ts';
import { LogCapture } from '../../../tests/support/log-capture.ts';
import { memoryConnector } from '../../../tests/support/memory-system.ts';
import { eventually, startTestHub, type TestHub } from '../../../tests/support/test-hub.ts';
import { logger } from '../../log/logger.ts';
import { DROPPED_JOB } from '../../queue/port.ts';
import type { Hub } from '../../runtime/hub.ts';
import { requestRun } from '../../sync/run-requests.ts';
import { SYNC_RUNS_QUEUE, type SyncRunJob } from '../../sync/sync-jobs.ts';
import { WEBHOOKS_QUEUE, type WebhookJob } from '../../sync/webhooks.ts';
import { enqueueWrites, writeQueueName } from '../../sync/write-targets.ts';
import { QUEUED_JOBS_REMOVAL_MS } from './connections.ts';

// A deleted connection's queued work (writes to it, runs of its streams, drains of its webhooks)
// goes with it, on both queue drivers: a job left behind would run against nothing and fail.

const store = storeDrivers().at(-1)!;
const capture = new LogCapture({ level: 'warn' });

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
      capture.clear();
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
      const dropped = capture.entries
        .filter((line) => line.message === DROPPED_JOB)
        .map((line) => line.queue);
      expect(dropped.sort()).toEqual([SYNC_RUNS_QUEUE, writeQueueName('erp')].sort());
    });
  },
);

/** A TCP relay to Redis that can be taken down (its connections cut, new ones refused) and up. */
async function startRedisRelay(redisUrl: string) {
  const target = new URL(redisUrl);
  const sockets = new Set<net.Socket>();
  let up = true;
  const server = net.createServer((client) => {
    if (!up) return client.destroy();
    const redis = net.connect(Number(target.port || 6379), target.hostname);
    for (const socket of [client, redis]) {
      sockets.add(socket);
      socket.on('error', () => undefined);
      socket.on('close', () => sockets.delete(socket));
    }
    client.pipe(redis).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `redis://127.0.0.1:${(server.address() as net.AddressInfo).port}`,
    down() {
      up = false;
      for (const socket of sockets) socket.destroy();
    },
    up() {
      up = true;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe.skipIf(!process.env.REDIS_URL)(
  `deleting a connection while Redis is unreachable (${store.name})`,
  () => {
    let fixture: ApiFixture | undefined;
    let relay: Awaited<ReturnType<typeof startRedisRelay>> | undefined;
    afterEach(async () => {
      logger.remove(capture);
      capture.clear();
      relay?.up();
      await fixture?.stop();
      await relay?.close();
      fixture = undefined;
      relay = undefined;
    });

    it('answers once its time for removing queued jobs is up, and its audit entry tells they were not all removed', async () => {
      relay = await startRedisRelay(process.env.REDIS_URL!);
      const queueOverRelay = relay.url;
      fixture = await startApiFixture({
        store,
        queue: { name: 'bullmq', open: () => openTestBullmqQueue(queueOverRelay) },
      });
      const { hub } = fixture.test;
      const admin = bearer(fixture.tokens.admin);
      await request(fixture.app)
        .post('/api/connections')
        .set(admin)
        .send({ id: 'erp', kind: 'memory', name: 'ERP', config: { system: `erp-${randomUUID()}` } })
        .expect(201);
      await queueWorkOf(hub, 'erp');
      logger.add(capture);

      relay.down();
      const response = await request(fixture.app)
        .delete('/api/connections/erp')
        .set(admin)
        .timeout(QUEUED_JOBS_REMOVAL_MS + 5_000);
      expect(response.status).toBe(200);

      const { rows: left } = await hub.store.db.query(`SELECT id FROM connections WHERE id = 'erp'`);
      expect(left, 'the connection deleted').toEqual([]);
      const { rows: audit } = await hub.store.db.query<{ details: Record<string, unknown> }>(
        `SELECT details FROM audit_log WHERE target = 'erp' AND details->>'method' = 'DELETE'`,
      );
      expect(audit.map((entry) => entry.details.queuedJobs)).toEqual([
        {
          removed: 0,
          complete: false,
          error: `the queue did not answer within ${QUEUED_JOBS_REMOVAL_MS} ms`,
        },
      ]);
      expect(capture.entries.map((line) => line.message)).toContain(
        'could not remove all the queued jobs of a deleted connection in time',
      );

      // Redis back: the call it had not answered ends, and no further queue is cleared (the run and
      // the drain left behind end as dropped when they come up).
      relay.up();
      await eventually(
        async () => (await waitingIn(hub, writeQueueName('erp'))) === 0,
        10_000,
        'the ERP write queue cleared once Redis is back',
      );
      expect(await waitingIn(hub, SYNC_RUNS_QUEUE)).toBe(1);
      expect(await waitingIn(hub, WEBHOOKS_QUEUE)).toBe(1);
    });
  },
);
