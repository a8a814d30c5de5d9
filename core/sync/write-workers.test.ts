import { afterEach, describe, expect, it } from 'vitest';
import { canonicalIdOf } from '../../tests/integration/flow-fixture.ts';
import { queueDrivers, storeDrivers } from '../../tests/support/drivers.ts';
import { LogCapture } from '../../tests/support/log-capture.ts';
import { memoryConnector, memorySystem } from '../../tests/support/memory-system.ts';
import { eventually, hubDriverPairs, startTestHub, type TestHub } from '../../tests/support/test-hub.ts';
import { logger } from '../log/logger.ts';
import type { Hub } from '../runtime/hub.ts';
import type { Store } from '../store/index.ts';
import { resetCircuits } from './circuit.ts';
import { runSync } from './run-sync.ts';
import { enqueueWrites, writeQueueName } from './write-targets.ts';
import { startWriteWorkers } from './write-workers.ts';

// Options are checked when a connection is saved, but a row saved before that (or edited in the
// database) may still hold ones the queue refuses: that connection goes without a write worker,
// every other connection keeps its own, on both queue drivers alike.

let run = 0;
let test: TestHub | undefined;
const capture = new LogCapture({ level: 'warn' });
afterEach(async () => {
  logger.remove(capture);
  capture.clear();
  await test?.stop();
  test = undefined;
  resetCircuits();
});

/** A connection row as an older hub saved it, its options unchecked. */
async function saveUnchecked(store: Store, id: string, options: Record<string, unknown>) {
  await store.db.query(
    `INSERT INTO connections (id, kind, name, config, options) VALUES ($1, 'memory', $2, $3, $4)`,
    [
      id,
      `Legacy ${id}`,
      JSON.stringify({ system: `legacy-${id}-${run}-${Date.now()}` }),
      JSON.stringify(options),
    ],
  );
}

/** A CRM pushing customers to an ERP, and a new CRM customer synced to the hub. */
async function crmToErp(hub: Hub) {
  const crm = memorySystem(`ww-crm-${run}-${Date.now()}`);
  const erp = memorySystem(`ww-erp-${run}-${Date.now()}`);
  await hub.store.connections.save(
    { id: 'crm', kind: 'memory', name: 'CRM', config: { system: crm.name } },
    memoryConnector.configSchema,
  );
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
  crm.put('customers', { id: 'C1', name: 'Hengda Auto Parts' });
  await runSync(hub, { connectionId: 'crm', stream: 'customers' });
  const written = () => eventually(() => erp.list('customers').length === 1, 10_000).catch(() => false);
  return { written };
}

describe.each(hubDriverPairs(storeDrivers(), queueDrivers()))(
  'write workers on $label',
  ({ store, queue }) => {
    it("keeps writing to a target when other connections' options are refused", async () => {
      run += 1;
      logger.add(capture);
      const s = await store.open();
      // Their names sort before the ERP's: the workers meet them first.
      await saveUnchecked(s, 'acme', { concurrency: 0 });
      await saveUnchecked(s, 'akme', { concurrency: '4' });
      await saveUnchecked(s, 'alpha', { rateLimit: { max: 10, perMs: 0 } });
      test = await startTestHub({ store: s, queue: queue.open() });
      expect(await (await crmToErp(test.hub)).written()).toBe(true);
      const refused = capture.lines.filter((line) => line.includes('options the queue refuses'));
      expect(refused.join('\n')).toContain('connection acme: options.concurrency');
      expect(refused.join('\n')).toContain('connection akme: options.concurrency');
      expect(refused.join('\n')).toContain('connection alpha: options.rateLimit.perMs');
      // Said once for each, not at every refresh.
      expect(refused).toHaveLength(3);
    });

    it('starts refreshing even when the first refresh fails', async () => {
      run += 1;
      test = await startTestHub({ store: await store.open(), queue: queue.open(), workers: false });
      const { connections } = test.hub.store;
      const listSummaries = connections.listSummaries;
      connections.listSummaries = async () => {
        connections.listSummaries = listSummaries;
        throw new Error('database not up yet');
      };
      const writers = startWriteWorkers(test.hub, 50);
      try {
        await writers.ready;
        // Only the write workers run: the record's write is queued by hand.
        const { written } = await crmToErp(test.hub);
        const canonicalId = await canonicalIdOf(test.hub, 'customer', 'crm', 'C1');
        const job = { connectionId: 'erp', stream: 'customers', items: [{ canonicalId, version: 1 }] };
        await enqueueWrites(test.hub, job, {}, 'first-refresh-failed');
        expect(await written()).toBe(true);
      } finally {
        await writers.stop();
      }
    });

    it('fails a malformed write job naming the job and its field, filing no record failure', async () => {
      run += 1;
      logger.add(capture);
      test = await startTestHub({ store: await store.open(), queue: queue.open() });
      const { written } = await crmToErp(test.hub);
      expect(await written()).toBe(true);
      const malformed = {
        connectionId: 'erp',
        stream: 'customers',
        items: [{ canonicalId: 'c-1', version: 'one' }],
      };
      await test.hub.queue.add(writeQueueName('erp'), 'write', malformed, { jobId: 'malformed-1' });
      await eventually(
        () => capture.lines.some((line) => line.includes('malformed write job failed')),
        10_000,
        'the malformed job to fail',
      );
      const failedLine = capture.lines.find((line) => line.includes('malformed write job failed'))!;
      expect(failedLine).toContain('write job malformed-1: items.0.version');
      const { rows } = await test.hub.store.db.query('SELECT 1 FROM failed_syncs');
      expect(rows).toEqual([]);
    });
  },
);
