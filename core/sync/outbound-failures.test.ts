import { afterEach, describe, expect, it } from 'vitest';
import { canonicalIdOf, goldenVersionOf } from '../../tests/integration/flow-fixture.ts';
import { queueDrivers, storeDrivers } from '../../tests/support/drivers.ts';
import { memoryConnector, memorySystem } from '../../tests/support/memory-system.ts';
import { eventually, hubDriverPairs, startTestHub, type TestHub } from '../../tests/support/test-hub.ts';
import type { Connector, WriteOp, WriteResult } from '../connector/types.ts';
import { HubError } from '../errors/index.ts';
import { mergeGoldenRecords } from '../mdm/service/index.ts';
import { resetCircuits } from './circuit.ts';
import { type FailedSync, listFailures } from './failures.ts';
import { processInboundPage } from './inbound.ts';
import { mappingFor } from './mapping-source.ts';
import { handleWriteJob } from './outbound.ts';
import { replayFailure } from './replay.ts';
import { inboundStreamFor, runSync } from './run-sync.ts';
import { type WriteJob, writeQueueName } from './write-targets.ts';

// Outbound failures: a write that fails again after its failure was resolved, and a replay that
// does not get through (or has nothing left to write), must each leave the admin a failure that
// says so, never one that sits resolved or replayed over a change the target never got.

type WriteHook = (ops: WriteOp[], write: () => Promise<WriteResult[]>) => Promise<WriteResult[]>;

const unauthorized: WriteHook = async () => {
  throw new HubError('auth', 'http_401', 'HTTP 401: token expired');
};
const passThrough: WriteHook = (_ops, write) => write();
const nameTooLong = {
  status: 'reject' as const,
  when: (record: Record<string, unknown>) => String(record.name).length > 20,
  fieldPath: 'name',
  message: 'name: data value too large (max length=20)',
};

let run = 0;
let test: TestHub | undefined;
afterEach(async () => {
  await test?.stop();
  test = undefined;
  resetCircuits();
});

describe.each(hubDriverPairs(storeDrivers(), queueDrivers()))(
  'outbound failures on $label',
  ({ store, queue }) => {
    /** A CRM pushing customers to an ERP whose writes go through `setHook`. */
    async function crmToErp() {
      run += 1;
      const source = memorySystem(`out-fail-crm-${run}-${Date.now()}`);
      const sink = memorySystem(`out-fail-erp-${run}-${Date.now()}`);
      let hook = passThrough;
      const base = memoryConnector as Connector<unknown>;
      const connector = {
        ...base,
        async write(ctx, stream, ops) {
          if ((ctx.config as { system: string }).system !== sink.name) return base.write!(ctx, stream, ops);
          return hook(ops, () => base.write!(ctx, stream, ops));
        },
      } as Connector<unknown>;
      test = await startTestHub({ store: await store.open(), queue: queue.open(), connectors: [connector] });
      const { hub } = test;
      const { connections } = hub.store;
      await connections.save(
        { id: 'crm', kind: 'memory', name: 'CRM', config: { system: source.name } },
        memoryConnector.configSchema,
      );
      await connections.save(
        {
          id: 'erp',
          kind: 'memory',
          name: 'ERP',
          config: { system: sink.name },
          options: { push: ['customers'] },
        },
        memoryConnector.configSchema,
      );
      const writesSettled = () =>
        eventually(async () => {
          const c = await hub.queue.counts(writeQueueName('erp'));
          return c.waiting + c.active + c.delayed === 0;
        });
      const erpFailures = async () => (await listFailures(hub.store.db, { connectionId: 'erp' })).items;
      return {
        hub,
        source,
        sink,
        setHook: (next: WriteHook) => {
          hook = next;
        },
        sync: async () => {
          await runSync(hub, { connectionId: 'crm', stream: 'customers' });
          await writesSettled();
        },
        writesSettled,
        erpFailures,
        failureIn: (id: string, state: FailedSync['state']) =>
          eventually(async () => (await erpFailures()).find((f) => f.id === id && f.state === state)),
        openFailure: () => eventually(async () => (await erpFailures()).find((f) => f.state === 'open')),
      };
    }

    it('opens a failure again when a record fails the same way after an earlier failure was resolved', async () => {
      const erp = await crmToErp();
      // The target refuses the credentials: the write fails for good and is filed.
      erp.setHook(unauthorized);
      erp.source.put('customers', { id: 'C1', name: 'Hengda Auto Parts' });
      await erp.sync();
      const first = await erp.openFailure();
      expect(first.errorClass).toBe('authentication');

      // Credentials fixed: the replay writes the record and resolves the failure.
      erp.setHook(passThrough);
      await replayFailure(erp.hub, first.id);
      await erp.failureIn(first.id, 'resolved');
      expect(erp.sink.list('customers').map((r) => r.name)).toEqual(['Hengda Auto Parts']);

      // The token expires again and a new change of the same record cannot be written.
      erp.setHook(unauthorized);
      erp.source.put('customers', { id: 'C1', name: 'Hengda Auto Parts GmbH' });
      await erp.sync();
      const again = await erp.openFailure();
      expect(again).toMatchObject({ errorCode: 'http_401', canonicalId: first.canonicalId });
      expect(erp.sink.list('customers').map((r) => r.name)).toEqual(['Hengda Auto Parts']);
    });

    it('opens a failure again when the target refuses the same body after the record was written in between', async () => {
      const erp = await crmToErp();
      erp.sink.faults.push(nameTooLong);
      erp.source.put('customers', { id: 'C1', name: 'Ningbo Hengda Automotive Components' });
      await erp.sync();
      const refused = await erp.openFailure();
      expect(refused).toMatchObject({ errorCode: expect.any(String), fieldPath: 'name' });

      // A shorter name is written, which resolves the failure ...
      erp.source.put('customers', { id: 'C1', name: 'Hengda' });
      await erp.sync();
      await erp.failureIn(refused.id, 'resolved');

      // ... and the long name comes back: the same body, refused the same way, is a new failure.
      erp.source.put('customers', { id: 'C1', name: 'Ningbo Hengda Automotive Components' });
      await erp.sync();
      const again = await erp.openFailure();
      expect(again).toMatchObject({ fieldPath: 'name', canonicalId: refused.canonicalId });
      expect(erp.sink.list('customers').map((r) => r.name)).toEqual(['Hengda']);
    });

    it('puts a replayed failure back to open when the replay fails for the whole batch', async () => {
      const erp = await crmToErp();
      erp.source.put('customers', { id: 'C1', name: 'Short Ltd' });
      await erp.sync();
      await eventually(() => erp.sink.list('customers').length === 1);
      erp.sink.faults.push(nameTooLong);
      erp.source.put('customers', { id: 'C1', name: 'Ningbo Hengda Automotive Components' });
      await erp.sync();
      const failure = await erp.openFailure();
      expect(failure.fieldPath).toBe('name');

      // Replayed while the target refuses the credentials (a whole-batch 401): an earlier version of
      // the record was written, but the replay itself did not get through.
      erp.setHook(unauthorized);
      expect((await replayFailure(erp.hub, failure.id)).state).toBe('replayed');
      const reopened = await erp.failureIn(failure.id, 'open');
      expect(reopened).toMatchObject({ errorCode: 'http_401', attempts: 2 });
      expect(erp.sink.list('customers').map((r) => r.name)).toEqual(['Short Ltd']);
    });

    it('leaves a failure open when its replay could not be queued', async () => {
      const erp = await crmToErp();
      erp.setHook(unauthorized);
      erp.source.put('customers', { id: 'C1', name: 'Hengda Auto Parts' });
      await erp.sync();
      const failure = await erp.openFailure();

      const { queue } = erp.hub;
      const addBulk = queue.addBulk.bind(queue);
      queue.addBulk = () => Promise.reject(new Error('queue unreachable'));
      await expect(replayFailure(erp.hub, failure.id)).rejects.toThrow('queue unreachable');
      queue.addBulk = addBulk;
      expect((await erp.erpFailures()).map((f) => f.state)).toEqual(['open']);
    });

    it('resolves, saying why, the replayed failure of a record merged into another', async () => {
      const erp = await crmToErp();
      const shop = memorySystem(`out-fail-shop-${run}-${Date.now()}`);
      await erp.hub.store.connections.save(
        { id: 'shop', kind: 'memory', name: 'Shop', config: { system: shop.name } },
        memoryConnector.configSchema,
      );
      erp.sink.faults.push(nameTooLong);
      erp.source.put('customers', { id: 'C1', name: 'Hengda', email: 'buyer@hengda.example' });
      await erp.sync();
      shop.put('customers', { id: 'S1', name: 'Ningbo Automotive Components', email: 'shop@ningbo.example' });
      await runSync(erp.hub, { connectionId: 'shop', stream: 'customers' });
      await erp.writesSettled();
      const failure = await erp.openFailure();
      const survivorId = await canonicalIdOf(erp.hub, 'customer', 'crm', 'C1');
      const mergedId = await canonicalIdOf(erp.hub, 'customer', 'shop', 'S1');
      expect(failure.canonicalId).toBe(mergedId);

      // The admin finds the shop's record is the CRM's customer and merges it, then replays.
      await mergeGoldenRecords(erp.hub.store.db, { survivorId, mergedId, actor: 'admin@example.com' });
      await erp.writesSettled();
      await replayFailure(erp.hub, failure.id);
      const resolved = await erp.failureIn(failure.id, 'resolved');
      expect(resolved.message).toBe(
        `Resolved without a write: customer ${mergedId} was merged into ${survivorId}, whose own writes carry its data to erp. The failure was: ${failure.message}`,
      );
    });

    it('resolves, saying why, the replayed failure of a record deleted before it reached the target', async () => {
      const erp = await crmToErp();
      erp.setHook(unauthorized);
      erp.source.put('customers', { id: 'C1', name: 'Hengda Auto Parts' });
      await erp.sync();
      const failure = await erp.openFailure();

      const stream = await inboundStreamFor(erp.hub, 'crm', 'customers');
      await processInboundPage(stream, { records: [], deleted: ['C1'] });
      await erp.writesSettled();
      await replayFailure(erp.hub, failure.id);
      const resolved = await erp.failureIn(failure.id, 'resolved');
      expect(resolved.message).toMatch(
        /^Resolved without a write: customer [0-9a-f-]{36} was deleted in the hub before it reached erp\. The failure was: HTTP 401/,
      );
      expect(erp.sink.list('customers')).toEqual([]);
    });
  },
);

describe.each(storeDrivers())(
  'an outbound record whose reference never reached the target, on $name',
  (store) => {
    /** A CRM contact of an account the ERP never got: its write to the ERP waits for the account. */
    async function contactWaitingForItsAccount() {
      test = await startTestHub({
        store: await store.open(),
        queue: queueDrivers()[0]!.open(),
        workers: false,
      });
      const { hub } = test;
      for (const id of ['crm', 'erp'])
        await hub.store.connections.save(
          { id, kind: 'memory', name: id, config: { system: `pending-out-${id}-${Date.now()}` } },
          memoryConnector.configSchema,
        );
      const crm = (name: string) => inboundStreamFor(hub, 'crm', name);
      await processInboundPage(await crm('customers'), { records: [{ id: 'ACC-1', name: 'Hengda' }] });
      await processInboundPage(await crm('contacts'), {
        records: [{ id: 'P1', lastName: 'Chen', accountId: 'ACC-1' }],
      });
      const contactId = await canonicalIdOf(hub, 'contact', 'crm', 'P1');
      const customerId = await canonicalIdOf(hub, 'customer', 'crm', 'ACC-1');

      return { hub, contactId, customerId };
    }

    it('is filed naming the field and the reference it waited for, with its mapping version and body', async () => {
      const { hub, contactId, customerId } = await contactWaitingForItsAccount();
      // The ERP never got the customer, and the job has waited past its limit.
      const items = [{ canonicalId: contactId, version: await goldenVersionOf(hub, contactId) }];
      const pendingSince = Date.now() - 11 * 60_000;
      await handleWriteJob(hub, { connectionId: 'erp', stream: 'contacts', items, pendingSince }, 'job-1');

      const { items: failures } = await listFailures(hub.store.db, { connectionId: 'erp', state: 'open' });
      const mapping = await mappingFor(
        hub.store.db,
        { id: 'erp', kind: 'memory' },
        'contacts',
        'out',
        hub.mappingsRoot,
      );
      expect(failures).toHaveLength(1);
      expect(failures[0]).toMatchObject({
        canonicalId: contactId,
        errorCode: 'pending_reference_timeout',
        fieldPath: 'accountId',
        mappingVersion: mapping.label,
        rawPayload: { lastName: 'Chen', customerId },
      });
      expect(failures[0]!.message).toBe(
        `contact ${contactId} was not written to erp: Referenced record not found after waiting 11 min: accountId → customer with canonical id "${customerId}"`,
      );
    });

    it('keeps waiting after a pause of the target: the time nobody consumed its queue is not counted', async () => {
      const { hub, contactId } = await contactWaitingForItsAccount();
      const items = [{ canonicalId: contactId, version: await goldenVersionOf(hub, contactId) }];
      // Waited 5 min, then the ERP was paused for two hours: its next try comes after the resume.
      const now = Date.now();
      const pending = {
        pendingSince: now - 125 * 60_000,
        pendingWaitedMs: 5 * 60_000,
        pendingTriedAt: now - 120 * 60_000,
      };
      await handleWriteJob(hub, { connectionId: 'erp', stream: 'contacts', items, ...pending }, 'job-2');

      expect((await listFailures(hub.store.db, { connectionId: 'erp', state: 'open' })).items).toEqual([]);
      const deferred: WriteJob[] = [];
      await hub.queue.removeWaiting<WriteJob>(writeQueueName('erp'), (job) => deferred.push(job) > 0);
      expect(deferred).toEqual([
        expect.objectContaining({ items, pendingSince: pending.pendingSince, pendingWaitedMs: 6 * 60_000 }),
      ]);
    });

    it('is deferred once when its job is handled twice (redelivered after a crash)', async () => {
      const { hub, contactId } = await contactWaitingForItsAccount();
      const items = [{ canonicalId: contactId, version: await goldenVersionOf(hub, contactId) }];
      const now = Date.now();
      const job = { connectionId: 'erp', stream: 'contacts', items, deferrals: 3, pendingSince: now - 6_000 };
      const pending = { ...job, pendingWaitedMs: 4_000, pendingTriedAt: now - 2_000 };
      // Both handlings fall in one 2-s retry bucket.
      await new Promise((resolve) => setTimeout(resolve, 2_000 - (Date.now() % 2_000) + 10));
      await handleWriteJob(hub, pending, 'job-7');
      await handleWriteJob(hub, pending, 'job-7');
      const deferred: WriteJob[] = [];
      await hub.queue.removeWaiting<WriteJob>(writeQueueName('erp'), (data) => deferred.push(data) > 0);
      expect(deferred).toHaveLength(1);
    });
  },
);
