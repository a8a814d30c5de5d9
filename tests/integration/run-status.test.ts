import { CanceledError } from 'axios';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Connector } from '../../core/connector/types.ts';
import { classifyHttpError } from '../../core/http/classify.ts';
import { runSync } from '../../core/sync/run-sync.ts';
import { queueDrivers, storeDrivers } from '../support/drivers.ts';
import { memoryConnector, memorySystem } from '../support/memory-system.ts';
import { hubDriverPairs, startTestHub, type TestHub } from '../support/test-hub.ts';

/** The memory connector, but after each page its read hangs until the run's signal cancels it, as axios does. */
const stallingConnector: Connector<unknown> = {
  ...(memoryConnector as Connector<unknown>),
  async *read(ctx, stream, cursor) {
    for await (const page of memoryConnector.read(ctx as never, stream, cursor)) {
      yield page;
      await new Promise((_resolve, reject) =>
        ctx.signal?.addEventListener('abort', () => reject(classifyHttpError(new CanceledError()))),
      );
    }
  },
};

let suffix = 0;

describe.each(hubDriverPairs(storeDrivers(), queueDrivers()))('run status on $label', ({ store, queue }) => {
  let test: TestHub;
  let systemName: string;
  const connect = (pageSize: number) =>
    test.hub.store.connections.save(
      { id: 'crm', kind: 'memory', name: 'CRM', config: { system: systemName, pageSize } },
      memoryConnector.configSchema,
    );
  const sync = (options: { full?: boolean; signal?: AbortSignal; onProgress?: () => void } = {}) =>
    runSync(test.hub, { connectionId: 'crm', stream: 'customers', ...options });

  beforeEach(async () => {
    test = await startTestHub({ store: await store.open(), queue: queue.open(), workers: false });
    systemName = `crm-status-${++suffix}-${Date.now()}`;
    await connect(50);
  });
  afterEach(async () => {
    await test.stop();
  });

  describe('schema drift', () => {
    it('makes a run partial, naming the fields', async () => {
      const crm = memorySystem(systemName);
      crm.put('customers', { id: 'C1', name: 'Acme Metal Works', email: 'sales@acme.example' });
      expect((await sync()).status).toBe('succeeded');
      crm.remove('customers', 'C1');
      crm.put('customers', { id: 'C2', name: 'Beta Castings', vatNumber: 'DE123456789' });
      const run = await sync({ full: true });
      expect(run.schemaDrift).toEqual({ added: ['vatNumber'], removed: ['email'] });
      expect(run).toMatchObject({
        status: 'partial',
        statusReason: 'partially synced: schema drift (added: vatNumber; removed: email)',
      });
    });

    it('is reported with the failed records of the same run', async () => {
      const crm = memorySystem(systemName);
      crm.put('customers', { id: 'C1', name: 'Acme Metal Works' });
      await sync();
      crm.put('customers', { id: 'C2', name: 'Beta Castings', email: 'sales at beta', vatNumber: 'DE1' });
      const run = await sync();
      expect(run).toMatchObject({
        status: 'partial',
        statusReason: 'partially synced: 1 records failed; schema drift (added: email, vatNumber)',
      });
    });

    it('is not reported by incremental runs whose records lack an optional field', async () => {
      const crm = memorySystem(systemName);
      crm.put('customers', { id: 'C1', name: 'Acme Metal Works', phone: '+49 30 123456' });
      crm.put('customers', { id: 'C2', name: 'Beta Castings' });
      await sync();
      crm.put('customers', { id: 'C3', name: 'Gamma Tools' });
      const second = await sync();
      crm.put('customers', { id: 'C4', name: 'Delta Forge', phone: '+49 40 999' });
      const third = await sync();
      expect([second, third].map((run) => [run.status, run.schemaDrift])).toEqual([
        ['succeeded', {}],
        ['succeeded', {}],
      ]);
    });

    it('reports a field removed only after a full run that read every record without it', async () => {
      const crm = memorySystem(systemName);
      crm.put('customers', { id: 'C1', name: 'Acme Metal Works', phone: '+49 30 123456' });
      await sync();
      crm.remove('customers', 'C1');
      crm.put('customers', { id: 'C2', name: 'Beta Castings' });
      expect((await sync()).schemaDrift).toEqual({});
      // A full run stopped early saw only part of the stream.
      const controller = new AbortController();
      await connect(1);
      crm.put('customers', { id: 'C3', name: 'Gamma Tools' });
      const stopped = await sync({
        full: true,
        signal: controller.signal,
        onProgress: () => controller.abort(),
      });
      expect(stopped.schemaDrift).toEqual({});
      const full = await sync({ full: true });
      expect(full.schemaDrift).toEqual({ removed: ['phone'] });
      expect((await sync({ full: true })).schemaDrift).toEqual({});
    });
  });

  describe('a run stopped through its signal', () => {
    it('is partial with reason stopped, keeps its cursor, and the next run resumes', async () => {
      await connect(10);
      const crm = memorySystem(systemName);
      for (let n = 1; n <= 100; n++) crm.put('customers', { id: `C${n}`, name: `Customer ${n}` });
      const controller = new AbortController();
      const stopped = await sync({ signal: controller.signal, onProgress: () => controller.abort() });
      expect(stopped).toMatchObject({ status: 'partial', statusReason: 'stopped', error: null });
      expect(stopped.counts.created).toBe(stopped.cursorAfter);
      const resumed = await sync();
      expect(resumed.cursorBefore).toBe(stopped.cursorAfter);
      expect(resumed.status).toBe('succeeded');
      expect(stopped.counts.created + resumed.counts.created).toBe(100);
    });
  });
});

describe.each(hubDriverPairs(storeDrivers(), queueDrivers()))(
  'a run whose signal cancels a read in flight on $label',
  ({ store, queue }) => {
    let test: TestHub;
    afterEach(async () => {
      await test.stop();
    });

    it('is stopped, not failed', async () => {
      test = await startTestHub({
        store: await store.open(),
        queue: queue.open(),
        workers: false,
        connectors: [stallingConnector],
      });
      const system = `crm-cancel-${++suffix}-${Date.now()}`;
      await test.hub.store.connections.save(
        { id: 'crm', kind: 'memory', name: 'CRM', config: { system, pageSize: 10 } },
        memoryConnector.configSchema,
      );
      for (let n = 1; n <= 30; n++)
        memorySystem(system).put('customers', { id: `C${n}`, name: `Customer ${n}` });
      const controller = new AbortController();
      const run = await runSync(test.hub, {
        connectionId: 'crm',
        stream: 'customers',
        signal: controller.signal,
        onProgress: () => setTimeout(() => controller.abort(), 20),
      });
      expect(run).toMatchObject({ status: 'partial', statusReason: 'stopped', cursorAfter: 10 });
      expect(run.counts.created).toBe(10);
    });
  },
);
