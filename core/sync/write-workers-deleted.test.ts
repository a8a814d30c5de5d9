import { randomBytes } from 'node:crypto';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import Transport from 'winston-transport';
import { canonicalIdOf } from '../../tests/integration/flow-fixture.ts';
import { openTestBullmqQueue, queueDrivers, storeDrivers } from '../../tests/support/drivers.ts';
import { memoryConnector, memorySystem } from '../../tests/support/memory-system.ts';
import { eventually, hubDriverPairs, startTestHub, type TestHub } from '../../tests/support/test-hub.ts';
import { logger } from '../log/logger.ts';
import type { Consumer, QueuePort } from '../queue/port.ts';
import type { Hub } from '../runtime/hub.ts';
import { resetCircuits } from './circuit.ts';
import { runSync } from './run-sync.ts';
import { enqueueWrites, writeQueueName } from './write-targets.ts';
import { startWriteWorkers } from './write-workers.ts';

// A deleted connection's write queue has no one left to write to: every worker process closes its
// consumer of it (on BullMQ a worker and its Redis connection) when its refresh finds the connection
// gone, whichever process served the delete; one created again under the same id is served again.

const REFRESH_MS = 50;
const WITHIN_MS = 2_000;

let test: TestHub | undefined;
let redisQueue: Queue | undefined;
let writers: Array<ReturnType<typeof startWriteWorkers>> = [];
const originalWrite = memoryConnector.write;
let releaseHungWrites: (() => void) | undefined;
afterEach(async () => {
  releaseHungWrites?.();
  releaseHungWrites = undefined;
  memoryConnector.write = originalWrite;
  await Promise.all(writers.map((set) => set.stop()));
  writers = [];
  await redisQueue?.close();
  redisQueue = undefined;
  await test?.stop();
  test = undefined;
  resetCircuits();
});

/** Counts the consumers the hub has open on each queue, as they are built and closed. */
function countOpenConsumers(queue: QueuePort): Map<string, number> {
  const open = new Map<string, number>();
  const consume = queue.consume.bind(queue);
  queue.consume = (name, handler, options) => {
    const consumer: Consumer = consume(name, handler, options);
    open.set(name, (open.get(name) ?? 0) + 1);
    return {
      ...consumer,
      async close() {
        await consumer.close();
        open.set(name, (open.get(name) ?? 0) - 1);
      },
    };
  };
  return open;
}

async function saveErp(hub: Hub) {
  const erp = memorySystem(`wwd-erp-${randomBytes(4).toString('hex')}`);
  await hub.store.connections.save(
    {
      id: 'erp',
      kind: 'memory',
      name: 'ERP',
      config: { system: erp.name },
      options: { push: ['customers'] },
    },
    memoryConnector.configSchema,
  );
  return erp;
}

describe.each(hubDriverPairs(storeDrivers(), queueDrivers()))(
  'write workers of a deleted connection on $label',
  ({ store, queue }) => {
    it('close in every worker process within the refresh period, and serve it again once it is created again', async () => {
      const prefix = `thub-test-${randomBytes(4).toString('hex')}`;
      const queuePort =
        queue.name === 'bullmq' ? openTestBullmqQueue(process.env.REDIS_URL!, prefix) : queue.open();
      test = await startTestHub({ store: await store.open(), queue: queuePort, workers: false });
      const { hub } = test;
      const open = countOpenConsumers(hub.queue);
      // The workers BullMQ has on Redis for the ERP's write queue, seen from outside the hub.
      if (queue.name === 'bullmq')
        redisQueue = new Queue(writeQueueName('erp'), {
          connection: new Redis(process.env.REDIS_URL!, { maxRetriesPerRequest: null }),
          prefix,
        });
      const redisWorkers = async () => (redisQueue ? (await redisQueue.getWorkers()).length : undefined);
      const onRedis = (count: number) => (redisQueue ? count : undefined);

      const crm = memorySystem(`wwd-crm-${randomBytes(4).toString('hex')}`);
      await hub.store.connections.save(
        { id: 'crm', kind: 'memory', name: 'CRM', config: { system: crm.name } },
        memoryConnector.configSchema,
      );
      await saveErp(hub);
      // Two worker processes: neither of them serves the delete.
      writers = [startWriteWorkers(hub, REFRESH_MS), startWriteWorkers(hub, REFRESH_MS)];
      await Promise.all(writers.map((set) => set.ready));
      expect(open.get(writeQueueName('erp'))).toBe(2);
      await eventually(
        async () => (await redisWorkers()) === onRedis(2),
        WITHIN_MS,
        'two ERP workers on Redis',
      );

      await hub.store.connections.remove('erp');
      await eventually(() => open.get(writeQueueName('erp')) === 0, WITHIN_MS, 'the ERP consumers closed');
      await eventually(
        async () => (await redisWorkers()) === onRedis(0),
        WITHIN_MS,
        'no ERP worker on Redis',
      );
      expect(open.get(writeQueueName('crm')), 'the CRM keeps its consumers').toBe(2);

      const erp = await saveErp(hub);
      await eventually(() => open.get(writeQueueName('erp')) === 2, WITHIN_MS, 'the ERP consumers again');
      await eventually(
        async () => (await redisWorkers()) === onRedis(2),
        WITHIN_MS,
        'ERP workers on Redis again',
      );
      crm.put('customers', { id: 'C1', name: 'Hengda Auto Parts' });
      await runSync(hub, { connectionId: 'crm', stream: 'customers' });
      const canonicalId = await canonicalIdOf(hub, 'customer', 'crm', 'C1');
      const job = { connectionId: 'erp', stream: 'customers', items: [{ canonicalId, version: 1 }] };
      await enqueueWrites(hub, job, {}, 'after-re-creation');
      await eventually(() => erp.list('customers').length === 1, 10_000, 'the write to the new ERP');
    });

    it('serve a connection created while a deleted one has a write hanging, and stop only once that write ends', async () => {
      test = await startTestHub({ store: await store.open(), queue: queue.open(), workers: false });
      const { hub } = test;
      const crm = memorySystem(`wwd-crm-${randomBytes(4).toString('hex')}`);
      await hub.store.connections.save(
        { id: 'crm', kind: 'memory', name: 'CRM', config: { system: crm.name } },
        memoryConnector.configSchema,
      );
      const hungErp = await saveErp(hub);
      // The ERP's system hangs: a write to it returns only once released.
      const released = new Promise<void>((resolve) => {
        releaseHungWrites = resolve;
      });
      let hungWrites = 0;
      memoryConnector.write = async (ctx, stream, ops) => {
        if ((ctx.config as { system: string }).system === hungErp.name) {
          hungWrites++;
          await released;
        }
        return originalWrite.call(memoryConnector, ctx, stream, ops);
      };
      writers = [startWriteWorkers(hub, REFRESH_MS)];
      await writers[0]!.ready;
      crm.put('customers', { id: 'C1', name: 'Hengda Auto Parts' });
      await runSync(hub, { connectionId: 'crm', stream: 'customers' });
      const canonicalId = await canonicalIdOf(hub, 'customer', 'crm', 'C1');
      const item = { canonicalId, version: 1 };
      await enqueueWrites(hub, { connectionId: 'erp', stream: 'customers', items: [item] }, {}, 'hung');
      await eventually(() => hungWrites > 0, WITHIN_MS, 'the write to the ERP hanging');

      await hub.store.connections.remove('erp');
      await new Promise((resolve) => setTimeout(resolve, REFRESH_MS * 4));
      const plm = memorySystem(`wwd-plm-${randomBytes(4).toString('hex')}`);
      await hub.store.connections.save(
        {
          id: 'plm',
          kind: 'memory',
          name: 'PLM',
          config: { system: plm.name },
          options: { push: ['customers'] },
        },
        memoryConnector.configSchema,
      );
      await enqueueWrites(hub, { connectionId: 'plm', stream: 'customers', items: [item] }, {}, 'served');
      await eventually(() => plm.list('customers').length === 1, WITHIN_MS, 'the write to the new PLM');

      let stopped = false;
      const stopping = writers[0]!.stop().then(() => {
        stopped = true;
      });
      await new Promise((resolve) => setTimeout(resolve, REFRESH_MS * 4));
      expect(stopped, 'stop() waits for the deleted connection’s write in flight').toBe(false);
      releaseHungWrites?.();
      await stopping;
      expect(hungErp.list('customers')).toHaveLength(1);
    });

    it('tells again of refused options when a deleted connection is created again with them', async () => {
      test = await startTestHub({ store: await store.open(), queue: queue.open(), workers: false });
      const { hub } = test;
      const refusals: string[] = [];
      const capture = new Capture({ level: 'error' }, refusals);
      logger.add(capture);
      // Saved unchecked, as by an older hub: the queue refuses a concurrency of 0.
      const saveRefused = () =>
        hub.store.db.query(
          `INSERT INTO connections (id, kind, name, config, options) VALUES ('acme', 'memory', 'Acme', $1, $2)`,
          [
            JSON.stringify({ system: `wwd-acme-${randomBytes(4).toString('hex')}` }),
            JSON.stringify({ concurrency: 0 }),
          ],
        );
      try {
        await saveRefused();
        writers = [startWriteWorkers(hub, REFRESH_MS)];
        await writers[0]!.ready;
        expect(refusals).toHaveLength(1);
        await hub.store.connections.remove('acme');
        await new Promise((resolve) => setTimeout(resolve, REFRESH_MS * 4));
        await saveRefused();
        await eventually(() => refusals.length === 2, WITHIN_MS, 'the refusal told of again');
      } finally {
        logger.remove(capture);
      }
    });
  },
);

class Capture extends Transport {
  constructor(
    options: ConstructorParameters<typeof Transport>[0],
    private readonly refusals: string[],
  ) {
    super(options);
  }
  override log(info: { message?: unknown }, done: () => void) {
    if (String(info.message).includes('options the queue refuses')) this.refusals.push(JSON.stringify(info));
    done();
  }
}
