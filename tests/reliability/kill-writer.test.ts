import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rest } from '../../connectors/rest/index.ts';
import type { Connector } from '../../core/connector/types.ts';
import type { Store } from '../../core/store/index.ts';
import { runSync } from '../../core/sync/run-sync.ts';
import { startChild, withSearchPath } from '../support/child-process.ts';
import { openPostgresStore, openTestBullmqQueue } from '../support/drivers.ts';
import { expectExactlyOnceOrFailed, expectReconciled } from '../support/fault-checks.ts';
import { type HttpTarget, restTargetConfig, startHttpTarget } from '../support/http-target.ts';
import { memoryConnector, memorySystem } from '../support/memory-system.ts';
import { eventually, startTestHub, type TestHub } from '../support/test-hub.ts';

const databaseUrl = process.env.DATABASE_URL;
const redisUrl = process.env.REDIS_URL;
const TOTAL = 200;

describe.skipIf(!databaseUrl || !redisUrl)('a worker SIGKILLed during a write batch', () => {
  let store: Store;
  let test: TestHub;
  let target: HttpTarget;
  let childEnv: Record<string, string>;
  beforeAll(async () => {
    store = await openPostgresStore(databaseUrl!);
    const { rows } = await store.db.query<{ schema: string }>('SELECT current_schema() AS schema');
    const prefix = `thub-kill-${randomBytes(4).toString('hex')}`;
    childEnv = {
      DATABASE_URL: withSearchPath(databaseUrl!, rows[0]!.schema),
      REDIS_URL: redisUrl!,
      HUB_QUEUE_PREFIX: prefix,
    };
    test = await startTestHub({
      store,
      queue: openTestBullmqQueue(redisUrl!, prefix),
      connectors: [memoryConnector as Connector<unknown>, rest as Connector<unknown>],
      workers: false,
    });
    target = await startHttpTarget();
  });
  afterAll(async () => {
    await test?.stop();
    await target?.close();
  });

  it('writes each record to the target exactly once after a restart', async () => {
    const sourceName = `kill-writer-${Date.now()}`;
    const source = memorySystem(sourceName);
    for (let n = 1; n <= TOTAL; n++)
      source.put('customers', { id: `W${n}`, name: `Written Once ${n}`, email: `w${n}@example.com` });
    await store.connections.save(
      { id: 'crm', kind: 'memory', name: 'CRM', config: { system: sourceName } },
      memoryConnector.configSchema,
    );
    await store.connections.save(
      {
        id: 'tgt',
        kind: 'rest',
        name: 'Target',
        config: restTargetConfig(target.url),
        options: { push: ['customers'], allowPrivateNetwork: true },
      },
      rest.configSchema as Connector<unknown>['configSchema'],
    );
    target.writeDelayMs = 25;

    const first = startChild('tests/support/worker-child.ts', childEnv);
    await first.ready;
    expect((await runSync(test.hub, { connectionId: 'crm', stream: 'customers' })).status).toBe('succeeded');
    await eventually(() => target.records.size >= 40, 60_000, 'the first writes reached the target');
    first.kill('SIGKILL');
    expect(await first.output).toBe('killed by SIGKILL');
    const before = target.records.size;
    expect(before).toBeLessThan(TOTAL);

    // The batch in flight was partly applied and never recorded: the restarted worker runs it again.
    const second = startChild('tests/support/worker-child.ts', childEnv);
    await eventually(() => target.records.size >= TOTAL, 150_000, `all ${TOTAL} records in the target`);
    await expectReconciled(test.hub, 'tgt', 'customers', 30_000);
    await expectReconciled(test.hub, 'crm', 'customers');
    await expectExactlyOnceOrFailed(
      test.hub,
      'crm',
      'customers',
      [...target.records.values()].map((record) => String(record.hubId)),
    );
    expect(target.records.size).toBe(TOTAL);
    // Creates repeated with a key the target had applied: the idempotency key kept them single.
    expect(target.requests.filter((request) => request.answer === 'replayed').length).toBeGreaterThan(0);

    second.kill('SIGTERM');
    expect(await second.output).toMatch(/ready/);
  }, 240_000);
});
