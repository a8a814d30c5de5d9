import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { queueDrivers, storeDrivers } from '../../tests/support/drivers.ts';
import { memoryConnector, memorySystem } from '../../tests/support/memory-system.ts';
import { eventually, hubDriverPairs, startTestHub, type TestHub } from '../../tests/support/test-hub.ts';
import type { QueuePort } from '../queue/port.ts';
import type { Hub } from '../runtime/hub.ts';
import { resetCircuits } from './circuit.ts';
import { writeQueueName } from './write-targets.ts';
import { startWriteWorkers } from './write-workers.ts';

// The refresh runs every `refreshMs` in every worker process: it decides on consumers from what
// the connections table says of each one's options, and opens no connection's secrets to do so.

const REFRESH_MS = 50;

let test: TestHub | undefined;
let writers: ReturnType<typeof startWriteWorkers> | undefined;
afterEach(async () => {
  vi.restoreAllMocks();
  await writers?.stop();
  writers = undefined;
  await test?.stop();
  test = undefined;
  resetCircuits();
});

/** Each consumer of the hub's queue, with the concurrency it was built with, in the order built. */
function recordConsumers(queue: QueuePort): Array<{ name: string; concurrency: number | undefined }> {
  const built: Array<{ name: string; concurrency: number | undefined }> = [];
  const consume = queue.consume.bind(queue);
  queue.consume = (name, handler, options) => {
    built.push({ name, concurrency: options?.concurrency });
    return consume(name, handler, options);
  };
  return built;
}

/** A connection with a sealed webhook secret, as every real connection has credentials. */
function saveWithSecret(hub: Hub, id: string, options: Record<string, unknown>) {
  return hub.store.connections.save(
    {
      id,
      kind: 'memory',
      name: id.toUpperCase(),
      config: {
        system: memorySystem(`wws-${id}-${randomBytes(4).toString('hex')}`).name,
        webhookSecret: 's3cret',
      },
      options,
    },
    memoryConnector.configSchema,
  );
}

describe.each(hubDriverPairs(storeDrivers(), queueDrivers()))(
  'write worker refresh on $label',
  ({ store, queue }) => {
    it('opens no secret over refreshes of unchanged connections, and still rebuilds on new options', async () => {
      test = await startTestHub({ store: await store.open(), queue: queue.open(), workers: false });
      const { hub } = test;
      const built = recordConsumers(hub.queue);
      await saveWithSecret(hub, 'crm', {});
      await saveWithSecret(hub, 'erp', { push: ['customers'], concurrency: 3 });
      const opened = vi.spyOn(hub.store.box, 'open');

      writers = startWriteWorkers(hub, REFRESH_MS);
      await writers.ready;
      expect(built.map((consumer) => consumer.name).sort()).toEqual([
        writeQueueName('crm'),
        writeQueueName('erp'),
      ]);
      await new Promise((resolve) => setTimeout(resolve, REFRESH_MS * 8));
      expect(opened, 'secrets opened by the refresh').not.toHaveBeenCalled();
      expect(built, 'no consumer rebuilt while nothing changed').toHaveLength(2);

      await saveWithSecret(hub, 'erp', { push: ['customers'], concurrency: 5 });
      opened.mockClear();
      await eventually(() => built.length === 3, 2_000, 'the ERP consumer rebuilt');
      expect(built[2]).toEqual({ name: writeQueueName('erp'), concurrency: 5 });
      await new Promise((resolve) => setTimeout(resolve, REFRESH_MS * 4));
      expect(opened, 'secrets opened by the refresh').not.toHaveBeenCalled();
      expect(built).toHaveLength(3);
    });
  },
);
