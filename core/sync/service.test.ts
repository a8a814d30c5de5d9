import { afterEach, describe, expect, it } from 'vitest';
import { queueDrivers, storeDrivers } from '../../tests/support/drivers.ts';
import { memoryConnector, memorySystem } from '../../tests/support/memory-system.ts';
import { eventually, hubDriverPairs } from '../../tests/support/test-hub.ts';
import { loadEnv } from '../config/env.ts';
import type { Connector } from '../connector/types.ts';
import { type Hub, openHub } from '../runtime/hub.ts';
import { startWorkers } from '../runtime/worker.ts';
import { requestRun } from './run-requests.ts';
import { SYNC_RUNS_QUEUE, type SyncRunJob } from './sync-jobs.ts';

// Only a schedule tick may end without a run when another run holds its stream (the next tick
// reads from the cursor). A run asked for by a webhook, the API or a replay waits in the queue
// until the stream is free, and one a shutdown stopped runs again when a worker takes it up.

type Workers = Awaited<ReturnType<typeof startWorkers>>;

describe.each(hubDriverPairs(storeDrivers(), queueDrivers()))(
  'sync run jobs ($label)',
  ({ store, queue }) => {
    let hub: Hub | undefined;
    let workers: Workers | undefined;
    afterEach(async () => {
      await workers?.stop();
      await hub?.close();
      workers = undefined;
      hub = undefined;
    });

    /** A hub whose lease is short, so a job waiting for a stream tries again every half second. */
    async function openCrm(config: { pageSize?: number; pageDelayMs?: number } = {}) {
      hub = await openHub(loadEnv({ HUB_STREAM_LEASE_MS: '1500', HUB_PENDING_REF_TIMEOUT_MS: '3600000' }), {
        store: await store.open(),
        queue: queue.open(),
        connectors: [memoryConnector as Connector<unknown>],
        mappingsRoot: 'tests/support/mappings',
      });
      const system = memorySystem(`service-${Date.now()}-${Math.random()}`);
      await hub.store.connections.save(
        { id: 'crm', kind: 'memory', name: 'CRM', config: { system: system.name, ...config } },
        memoryConnector.configSchema,
      );
      return { hub, system };
    }

    const held = async (externalId: string) =>
      (await hub!.store.db.query('SELECT 1 FROM source_records WHERE external_id = $1', [externalId])).rows
        .length > 0;
    const runModes = async () =>
      (
        await hub!.store.db.query<{ mode: string }>('SELECT mode FROM sync_runs ORDER BY started_at')
      ).rows.map((row) => row.mode);
    const pending = async () => {
      const counts = await hub!.queue.counts(SYNC_RUNS_QUEUE);
      return counts.waiting + counts.delayed + counts.active;
    };
    const leaseStream = (owner: string) =>
      hub!.store.db.query(
        `INSERT INTO stream_locks (connection_id, stream, owner, expires_at, grace_ms)
       VALUES ('crm', 'customers', $1, now() + interval '1 hour', 10000)`,
        [owner],
      );

    it('runs a webhook-requested run once the lease of a worker that died is over, and serves later requests', async () => {
      const { system } = await openCrm();
      await leaseStream('host:1:dead-worker');
      workers = await startWorkers(hub!);
      system.put('customers', { id: 'K1', name: 'First Change Ltd' });
      await requestRun(hub!, 'crm', 'customers');
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      expect(await runModes(), 'no run while the dead worker holds the stream').toEqual([]);
      expect(await pending(), 'the requested run waits in the queue').toBe(1);

      await hub!.store.db.query(`UPDATE stream_locks SET expires_at = now() - interval '1 second'`);
      await eventually(() => held('K1'), 15_000, 'K1 read by the run the request asked for');
      await hub!.queue.whenIdle(SYNC_RUNS_QUEUE, 15_000);
      system.put('customers', { id: 'K2', name: 'Second Change Ltd' });
      await requestRun(hub!, 'crm', 'customers');
      await eventually(() => held('K2'), 15_000, 'K2 read by a run of its own');
    }, 60_000);

    it('runs a full resync asked for through the API once the stream is free; a schedule tick is skipped', async () => {
      const { system } = await openCrm();
      system.put('customers', { id: 'F1', name: 'Full Resync GmbH' });
      await leaseStream('host:2:live-run');
      workers = await startWorkers(hub!);
      const add = (job: SyncRunJob) => hub!.queue.add(SYNC_RUNS_QUEUE, 'sync', job);
      await add({ connectionId: 'crm', stream: 'customers', full: true, reason: 'api' });
      await add({ connectionId: 'crm', stream: 'customers', reason: 'schedule' });
      await eventually(
        async () => (await hub!.queue.counts(SYNC_RUNS_QUEUE)).completed >= 1,
        10_000,
        'the tick',
      );
      expect(await pending(), 'the full resync waits in the queue').toBe(1);

      // The run going on ends and releases the stream.
      await hub!.store.db.query('DELETE FROM stream_locks');
      await hub!.queue.whenIdle(SYNC_RUNS_QUEUE, 15_000);
      expect(await runModes()).toEqual(['full']);
      expect(await held('F1')).toBe(true);
    }, 60_000);

    it('runs a requested run a shutdown stopped again once a worker takes it up', async () => {
      const { system } = await openCrm({ pageSize: 5, pageDelayMs: 100 });
      for (let i = 0; i < 40; i++) system.put('customers', { id: `C-${i}`, name: `Customer ${i}` });
      workers = await startWorkers(hub!);
      await requestRun(hub!, 'crm', 'customers');
      await eventually(
        async () =>
          (await hub!.store.db.query(`SELECT 1 FROM sync_runs WHERE (counts->>'read')::int >= 5`)).rows
            .length > 0,
        15_000,
        'the requested run to commit a page',
      );
      await workers.stop();
      const { rows } = await hub!.store.db.query('SELECT status, status_reason FROM sync_runs');
      expect(rows).toEqual([{ status: 'partial', status_reason: 'stopped' }]);
      expect(await held('C-39')).toBe(false);

      workers = await startWorkers(hub!);
      await eventually(() => held('C-39'), 15_000, 'the rest of the stream read after the restart');
      // The last page is stored before the run records its outcome.
      const statuses = async () =>
        (
          await hub!.store.db.query<{ status: string }>('SELECT status FROM sync_runs ORDER BY started_at')
        ).rows.map((row) => row.status);
      await eventually(async () => (await statuses()).at(-1) !== 'running', 15_000, 'the second run to end');
      expect(await statuses()).toEqual(['partial', 'succeeded']);
    }, 60_000);

    it('gives a later request a job of its own after a requested run failed for good', async () => {
      await openCrm();
      workers = await startWorkers(hub!);
      // The stream left the connection after the request was made: the run fails for good.
      await requestRun(hub!, 'crm', 'retired_stream');
      await eventually(
        async () => (await hub!.queue.counts(SYNC_RUNS_QUEUE)).failed === 1,
        10_000,
        'a failed job',
      );
      await requestRun(hub!, 'crm', 'retired_stream');
      await eventually(
        async () => (await hub!.queue.counts(SYNC_RUNS_QUEUE)).failed === 2,
        10_000,
        'the later request to get a job of its own',
      );
    }, 60_000);
  },
);
