import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rest } from '../../connectors/rest/index.ts';
import type { Connector } from '../../core/connector/types.ts';
import { createBullmqQueue } from '../../core/queue/bullmq-driver.ts';
import { runSync } from '../../core/sync/run-sync.ts';
import { storeDrivers } from '../support/drivers.ts';
import { expectExactlyOnceOrFailed, expectReconciled } from '../support/fault-checks.ts';
import { type HttpTarget, restTargetConfig, startHttpTarget } from '../support/http-target.ts';
import { memoryConnector, memorySystem } from '../support/memory-system.ts';
import { hasRedisServer, type PrivateRedis, privateRedis } from '../support/redis-server.ts';
import { eventually, startTestHub, type TestHub } from '../support/test-hub.ts';

const TOTAL = 300;
// In CI redis-server must be there; elsewhere the test skips without it.
const runnable = Boolean(process.env.CI) || hasRedisServer();

describe.skipIf(!runnable)('Redis restarted mid-run, losing every queued job', () => {
  let redis: PrivateRedis;
  let test: TestHub;
  let target: HttpTarget;
  beforeAll(async () => {
    redis = await privateRedis();
    await redis.start();
    target = await startHttpTarget();
    const driver = storeDrivers().at(-1)!;
    test = await startTestHub({
      store: await driver.open(),
      queue: createBullmqQueue({ redisUrl: redis.url, prefix: 'thub-restart' }),
      connectors: [memoryConnector as Connector<unknown>, rest as Connector<unknown>],
    });
  });
  afterAll(async () => {
    await test?.stop();
    await target?.close();
    await redis?.kill();
  });

  it('still delivers every record to the target exactly once', async () => {
    const sourceName = `redis-restart-${Date.now()}`;
    const source = memorySystem(sourceName);
    for (let n = 1; n <= TOTAL; n++)
      source.put('customers', { id: `R${n}`, name: `Survives Redis ${n}`, email: `r${n}@example.com` });
    await test.hub.store.connections.save(
      {
        id: 'crm',
        kind: 'memory',
        name: 'CRM',
        config: { system: sourceName, pageSize: 25, pageDelayMs: 20 },
      },
      memoryConnector.configSchema,
    );
    await test.hub.store.connections.save(
      {
        id: 'tgt',
        kind: 'rest',
        name: 'Target',
        config: restTargetConfig(target.url),
        options: { push: ['customers'], allowPrivateNetwork: true },
      },
      rest.configSchema as Connector<unknown>['configSchema'],
    );
    // A slow target builds a backlog of write jobs in Redis: the restart throws it away.
    target.writeDelayMs = 15;
    const run = runSync(test.hub, { connectionId: 'crm', stream: 'customers' });
    await eventually(() => target.records.size >= 30, 60_000, 'the first writes reached the target');
    await redis.kill();
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    await redis.start();
    expect((await run).status).toBe('succeeded');

    await eventually(() => target.records.size >= TOTAL, 120_000, `all ${TOTAL} records in the target`);
    await expectReconciled(test.hub, 'tgt', 'customers', 30_000);
    await expectReconciled(test.hub, 'crm', 'customers');
    await expectExactlyOnceOrFailed(
      test.hub,
      'crm',
      'customers',
      [...target.records.values()].map((record) => String(record.hubId)),
    );
    expect(target.records.size).toBe(TOTAL);
    expect(await test.hub.queue.ping()).toBe(true);
  }, 240_000);
});
