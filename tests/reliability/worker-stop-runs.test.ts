import { afterEach, describe, expect, it } from 'vitest';
import { startWorkers } from '../../core/runtime/worker.ts';
import { listRuns, type SyncRun } from '../../core/sync/runs.ts';
import { SYNC_RUNS_QUEUE, type SyncRunJob } from '../../core/sync/sync-jobs.ts';
import { queueDrivers, storeDrivers } from '../support/drivers.ts';
import { memoryConnector, memorySystem } from '../support/memory-system.ts';
import { eventually, startTestHub, type TestHub } from '../support/test-hub.ts';

const RECORDS = 2000;

const drivers = storeDrivers().flatMap((store) => queueDrivers().map((queue) => ({ store, queue })));

describe.each(drivers)(
  'stopping a worker during a sync run ($store.name, $queue.name)',
  ({ store, queue }) => {
    let test: TestHub | undefined;
    afterEach(async () => {
      await test?.stop();
    });

    it('stops the run after its current page and records its outcome before the worker stops', async () => {
      test = await startTestHub({ store: await store.open(), queue: queue.open(), workers: false });
      const { hub } = test;
      const system = `stop-${Date.now()}-${Math.random()}`;
      for (let n = 1; n <= RECORDS; n++)
        memorySystem(system).put('customers', { id: `S${n}`, name: `Stopped Customer ${n}` });
      await hub.store.connections.save(
        { id: 'src', kind: 'memory', name: 'Source', config: { system, pageSize: 25, pageDelayMs: 50 } },
        memoryConnector.configSchema,
      );
      const workers = await startWorkers(hub);
      await hub.queue.add<SyncRunJob>(SYNC_RUNS_QUEUE, 'sync', { connectionId: 'src', stream: 'customers' });
      const latestRun = async (): Promise<SyncRun | undefined> =>
        (await listRuns(hub.store.db, { connectionId: 'src' })).items[0];
      await eventually(async () => ((await latestRun())?.counts.read ?? 0) >= 50, 30_000, 'the run to read');

      await workers.stop();
      const run = (await latestRun())!;
      expect(run.status).not.toBe('running');
      expect(run.finishedAt).not.toBeNull();
      expect(run.counts.read).toBeLessThan(RECORDS);
    }, 60_000);
  },
);
