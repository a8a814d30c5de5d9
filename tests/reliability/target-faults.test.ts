import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { rest } from '../../connectors/rest/index.ts';
import type { Connector } from '../../core/connector/types.ts';
import { runSync } from '../../core/sync/run-sync.ts';
import { queueDrivers, storeDrivers } from '../support/drivers.ts';
import { expectExactlyOnceOrFailed, expectReconciled } from '../support/fault-checks.ts';
import { type HttpTarget, restTargetConfig, startHttpTarget } from '../support/http-target.ts';
import { memoryConnector, memorySystem } from '../support/memory-system.ts';
import { eventually, hubDriverPairs, startTestHub, type TestHub } from '../support/test-hub.ts';

let suffix = 0;

describe.each(hubDriverPairs(storeDrivers(), queueDrivers()))(
  'a target answering 500, 429 and timeouts, then recovering, on $label',
  ({ store, queue }) => {
    let test: TestHub;
    let target: HttpTarget;
    let sourceName: string;
    beforeEach(async () => {
      target = await startHttpTarget();
      test = await startTestHub({
        store: await store.open(),
        queue: queue.open(),
        connectors: [memoryConnector as Connector<unknown>, rest as Connector<unknown>],
      });
      sourceName = `faults-src-${++suffix}-${Date.now()}`;
      await test.hub.store.connections.save(
        { id: 'crm', kind: 'memory', name: 'CRM', config: { system: sourceName, pageSize: 20 } },
        memoryConnector.configSchema,
      );
      await test.hub.store.connections.save(
        {
          id: 'tgt',
          kind: 'rest',
          name: 'Target',
          config: restTargetConfig(target.url, 1_000),
          options: { push: ['customers'], allowPrivateNetwork: true, circuitHalfOpenMs: 300 },
        },
        rest.configSchema as Connector<unknown>['configSchema'],
      );
    });
    afterEach(async () => {
      await test.stop();
      await target.close();
    });

    it('delivers every record exactly once after the faults pass', async () => {
      const source = memorySystem(sourceName);
      for (let n = 1; n <= 60; n++)
        source.put('customers', {
          id: `F${n}`,
          name: `Faulty Target Customer ${n}`,
          email: `f${n}@example.com`,
        });
      target.faults.push(
        { status: 500 },
        { status: 500 },
        { status: 500 },
        { status: 429, retryAfterSeconds: 1 },
        { status: 'hang' },
        { status: 500 },
        { status: 'hang' },
        { status: 429, retryAfterSeconds: 1 },
      );
      const run = await runSync(test.hub, { connectionId: 'crm', stream: 'customers' });
      expect(run.status).toBe('succeeded');
      await eventually(() => target.faults.length === 0, 30_000, 'every fault served');
      // A few more faults once the target seemed to recover: a second wave of failures.
      for (let n = 61; n <= 80; n++)
        source.put('customers', {
          id: `F${n}`,
          name: `Faulty Target Customer ${n}`,
          email: `f${n}@example.com`,
        });
      target.faults.push({ status: 'hang' }, { status: 500 }, { status: 429, retryAfterSeconds: 1 });
      await runSync(test.hub, { connectionId: 'crm', stream: 'customers' });

      await eventually(() => target.records.size >= 80, 60_000, 'target holds 80 records');
      await expectReconciled(test.hub, 'tgt', 'customers', 60_000);
      await expectReconciled(test.hub, 'crm', 'customers');
      const hubIds = [...target.records.values()].map((record) => String(record.hubId));
      await expectExactlyOnceOrFailed(test.hub, 'crm', 'customers', hubIds);
      expect(target.records.size).toBe(80);
      expect(target.requests.filter((request) => request.answer === 'hang')).toHaveLength(3);
      expect(target.requests.filter((request) => request.answer === 429)).toHaveLength(3);
      const { rows } = await test.hub.store.db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM failed_syncs WHERE state = 'open'`,
      );
      expect(rows[0]!.n).toBe(0);
    }, 120_000);
  },
);
