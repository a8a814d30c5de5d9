import { createHmac } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { WriteOp } from '../../core/connector/types.ts';
import { listFailures } from '../../core/sync/failures.ts';
import { processInboundPage } from '../../core/sync/inbound.ts';
import { saveMappingOverride } from '../../core/sync/mapping-source.ts';
import { replayFailure } from '../../core/sync/replay.ts';
import { inboundStreamFor, runSync } from '../../core/sync/run-sync.ts';
import { acceptWebhook, drainWebhookEvents } from '../../core/sync/webhooks.ts';
import { queueDrivers, storeDrivers } from '../support/drivers.ts';
import { memoryConnector, memorySystem } from '../support/memory-system.ts';
import { eventually, hubDriverPairs, startTestHub, type TestHub } from '../support/test-hub.ts';

let suffix = 0;

/** A webhook request to the CRM connection, signed with its secret. */
function signedWebhook(body: unknown) {
  const rawBody = Buffer.from(JSON.stringify(body));
  const signature = createHmac('sha256', 'whsec-test-1234').update(rawBody).digest('hex');
  return { headers: { 'x-signature': signature }, rawBody, body, url: '/webhooks/crm', method: 'POST' };
}

describe.each(hubDriverPairs(storeDrivers(), queueDrivers()))(
  'outbound and two-way sync on $label',
  ({ store, queue }) => {
    let test: TestHub;
    let crmName: string;
    let erpName: string;
    beforeEach(async () => {
      test = await startTestHub({ store: await store.open(), queue: queue.open() });
      suffix++;
      crmName = `crm-out-${suffix}-${Date.now()}`;
      erpName = `erp-out-${suffix}-${Date.now()}`;
      const { connections } = test.hub.store;
      await connections.save(
        {
          id: 'crm',
          kind: 'memory',
          name: 'CRM',
          config: { system: crmName, webhookSecret: 'whsec-test-1234' },
        },
        memoryConnector.configSchema,
      );
      await connections.save(
        {
          id: 'erp',
          kind: 'memory',
          name: 'ERP',
          config: { system: erpName },
          options: { push: ['customers'], circuitHalfOpenMs: 300 },
        },
        memoryConnector.configSchema,
      );
    });
    afterEach(async () => {
      await test.stop();
    });

    const erpNames = () =>
      memorySystem(erpName)
        .list('customers')
        .map((record) => record.name)
        .sort();

    it('pushes changes to the target, honouring 429 Retry-After and retrying a 500', async () => {
      const erp = memorySystem(erpName);
      erp.faults.push({ status: 429, retryAfterMs: 700 }, { status: 500 });
      memorySystem(crmName).put('customers', { id: 'C1', name: 'Hengda Auto Parts' });
      const started = Date.now();
      await runSync(test.hub, { connectionId: 'crm', stream: 'customers' });
      await eventually(() => erpNames().length === 1, 20_000, 'record written to the ERP');
      expect(erpNames()).toEqual(['Hengda Auto Parts']);
      expect(erp.faults).toHaveLength(0);
      expect(erp.writeCalls.length).toBe(3);
      expect(erp.writeCalls[1]!.at - erp.writeCalls[0]!.at).toBeGreaterThanOrEqual(650);
      expect(Date.now() - started).toBeGreaterThanOrEqual(700);
      const linked = async () =>
        (
          await test.hub.store.db.query<{ n: number }>(
            `SELECT count(*)::int AS n FROM xref WHERE connection_id = 'erp'`,
          )
        ).rows[0]!.n;
      await eventually(async () => (await linked()) === 1, 10_000, 'ERP id linked in the xref');
    });

    it('files a rejected record with its field path and resolves it on replay after an outbound mapping fix', async () => {
      const erp = memorySystem(erpName);
      erp.faults.push({
        status: 'reject',
        when: (record) => String(record.name).length > 20,
        fieldPath: 'name',
        message: 'name: data value too large (max length=20)',
      });
      memorySystem(crmName).put('customers', {
        id: 'C2',
        name: 'Ningbo Hengda Automotive Components Manufacturing',
      });
      memorySystem(crmName).put('customers', { id: 'C3', name: 'Short Name Ltd' });
      await runSync(test.hub, { connectionId: 'crm', stream: 'customers' });
      const failure = await eventually(
        async () => (await listFailures(test.hub.store.db, { connectionId: 'erp', state: 'open' })).items[0],
        15_000,
        'failure filed',
      );
      expect(failure).toMatchObject({
        direction: 'out',
        errorClass: 'value',
        fieldPath: 'name',
        errorCode: 'http_400',
      });
      expect(erpNames()).toEqual(['Short Name Ltd']);

      await saveMappingOverride(
        test.hub.store.db,
        { id: 'erp', kind: 'memory' },
        'customers',
        'out',
        'fields:\n  name: { expr: "$substring(name, 0, 20)" }\n',
        'test',
        'tests/support/mappings',
      );
      expect((await replayFailure(test.hub, failure.id)).state).toBe('replayed');
      await eventually(
        async () =>
          (await listFailures(test.hub.store.db, { ids: [failure.id] })).items[0]?.state === 'resolved',
        15_000,
        'failure resolved',
      );
      expect(erpNames()).toEqual(['Ningbo Hengda Automo', 'Short Name Ltd']);
    });

    it('creates a revived record again in a target the hub deleted it from, and links the new id', async () => {
      const crm = memorySystem(crmName);
      const erp = memorySystem(erpName);
      const sent: WriteOp[] = [];
      const write = memoryConnector.write.bind(memoryConnector);
      const spy = vi.spyOn(memoryConnector, 'write').mockImplementation(async (ctx, stream, ops) => {
        if (ctx.config.system === erpName) sent.push(...ops);
        return write(ctx, stream, ops);
      });
      const erpLink = async () =>
        (
          await test.hub.store.db.query<{ external_id: string }>(
            `SELECT external_id FROM xref WHERE connection_id = 'erp'`,
          )
        ).rows.map((row) => row.external_id);
      try {
        crm.put('customers', { id: 'R1', name: 'Revenant Castings AG' });
        await runSync(test.hub, { connectionId: 'crm', stream: 'customers' });
        const [first] = await eventually(async () => {
          const links = await erpLink();
          return links.length === 1 && links;
        }, 15_000);

        const stream = await inboundStreamFor(test.hub, 'crm', 'customers');
        await processInboundPage(stream, { records: [], deleted: ['R1'] });
        await eventually(() => sent.some((op) => op.action === 'delete'), 15_000, 'delete sent');
        await eventually(() => erp.list('customers').length === 0, 15_000, 'deleted in the ERP');
        await test.hub.queue.whenIdle('write.erp');

        crm.put('customers', { id: 'R1', name: 'Revenant Castings AG' });
        await runSync(test.hub, { connectionId: 'crm', stream: 'customers' });
        const revived = await eventually(() => erp.list('customers')[0], 15_000, 'revived in the ERP');
        await test.hub.queue.whenIdle('write.erp');

        // Both are creates: an update of the id deleted in the ERP would fail against a real target.
        const upserts = sent.filter((op) => op.action === 'upsert');
        expect(upserts.map((op) => op.externalId)).toEqual([undefined, undefined]);
        expect(revived.id).not.toBe(first);
        expect(await erpLink()).toEqual([revived.id]);
        const { items } = await listFailures(test.hub.store.db, { connectionId: 'erp', state: 'open' });
        expect(items).toEqual([]);
      } finally {
        spy.mockRestore();
      }
    });

    it('reaches a fixed point in a two-way sync: no echo loop', async () => {
      await test.hub.store.connections.save(
        {
          id: 'crm',
          kind: 'memory',
          name: 'CRM',
          config: { system: crmName },
          options: { push: ['customers'] },
        },
        memoryConnector.configSchema,
      );
      const crm = memorySystem(crmName);
      const erp = memorySystem(erpName);
      crm.put('customers', { id: 'T1', name: 'Two Way Ltd', email: 'a@two.example.com' });
      const cycle = async () => {
        await runSync(test.hub, { connectionId: 'crm', stream: 'customers' });
        await runSync(test.hub, { connectionId: 'erp', stream: 'customers' });
        await test.hub.queue.whenIdle('changes');
        await test.hub.queue.whenIdle('write.crm');
        await test.hub.queue.whenIdle('write.erp');
        await new Promise((resolve) => setTimeout(resolve, 700));
      };
      await cycle();
      await eventually(() => erpNames().length === 1, 10_000, 'ERP has the customer');
      const erpRecord = erp.list('customers')[0]!;
      erp.put('customers', { id: erpRecord.id, phone: '+49301234567' });
      for (let i = 0; i < 3; i++) await cycle();
      const writesBefore = crm.writeCalls.length + erp.writeCalls.length;
      const seqBefore = [...crm.list('customers'), ...erp.list('customers')].map((r) => r.seq);
      for (let i = 0; i < 3; i++) await cycle();
      expect(crm.writeCalls.length + erp.writeCalls.length).toBe(writesBefore);
      expect([...crm.list('customers'), ...erp.list('customers')].map((r) => r.seq)).toEqual(seqBefore);
      expect(crm.list('customers')[0]).toMatchObject({ name: 'Two Way Ltd', phone: '+49301234567' });
      expect(erp.list('customers')[0]).toMatchObject({
        name: 'Two Way Ltd',
        phone: '+49301234567',
        email: 'a@two.example.com',
      });
      const { rows } = await test.hub.store.db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM golden_records`,
      );
      expect(rows[0]!.n).toBe(1);
    });

    it('processes a webhook delivered twice only once and rejects a bad signature', async () => {
      const body = {
        events: [{ id: 'evt-1', stream: 'customers', record: { id: 'W1', name: 'Webhook Co', seq: 1 } }],
      };
      const request = signedWebhook(body);
      expect(await acceptWebhook(test.hub, 'crm', request)).toEqual({ accepted: 1, duplicates: 0 });
      expect(await acceptWebhook(test.hub, 'crm', request)).toEqual({ accepted: 0, duplicates: 1 });
      await eventually(
        async () =>
          (await test.hub.store.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM golden_records`))
            .rows[0]!.n === 1,
      );
      await test.hub.queue.whenIdle('webhooks');
      const { rows } = await test.hub.store.db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM change_log`,
      );
      expect(rows[0]!.n).toBe(1);
      await expect(
        acceptWebhook(test.hub, 'crm', { ...request, headers: { 'x-signature': 'f'.repeat(64) } }),
      ).rejects.toThrow(/signature/);
    });

    it('drains a burst of webhooks spread over several drain windows and loses none of them', async () => {
      const send = async (n: number) => {
        const body = {
          events: [
            {
              id: `burst-${n}`,
              stream: 'customers',
              record: { id: `B${n}`, name: `Burst ${n} Trading`, seq: n },
            },
          ],
        };
        return acceptWebhook(test.hub, 'crm', signedWebhook(body));
      };
      // Spread over ~150 ms so that events also arrive while earlier windows' drains run.
      for (let n = 0; n < 60; n++) {
        await send(n);
        if (n % 10 === 9) await new Promise((resolve) => setTimeout(resolve, 25));
      }
      const processed = async () =>
        (
          await test.hub.store.db.query<{ n: number }>(
            `SELECT count(*)::int AS n FROM webhook_events WHERE processed_at IS NOT NULL`,
          )
        ).rows[0]!.n;
      await eventually(async () => (await processed()) === 60);
      await test.hub.queue.whenIdle('webhooks');
      const { rows } = await test.hub.store.db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM xref WHERE connection_id = 'crm'`,
      );
      expect(rows[0]!.n).toBe(60);
    });

    it('processes each waiting event once when two workers drain the connection at the same time', async () => {
      const events = Array.from({ length: 40 }, (_, n) => ({
        eventId: `pair-${n}`,
        stream: 'customers',
        externalId: `P${n}`,
        action: 'upsert',
        record: { id: `P${n}`, name: `Paired ${n} Works`, seq: n },
      }));
      // Stored as intake stores them, without asking for a drain: the two below are the only ones.
      await test.hub.store.db.query(
        `INSERT INTO webhook_events (connection_id, event_id, event)
         SELECT 'crm', e->>'eventId', e FROM jsonb_array_elements($1::jsonb) AS e`,
        [JSON.stringify(events)],
      );
      const drains = await Promise.all([
        drainWebhookEvents(test.hub, 'crm', 10),
        drainWebhookEvents(test.hub, 'crm', 10),
      ]);
      expect(drains.reduce((sum, counts) => sum + counts.read, 0)).toBe(40);
      expect(drains.reduce((sum, counts) => sum + counts.created, 0)).toBe(40);
      const { rows } = await test.hub.store.db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM change_log`,
      );
      expect(rows[0]!.n).toBe(40);
    });

    it('forgets the waiting events of a removed connection, and a drain still queued for it ends quietly', async () => {
      await test.hub.store.db.query(
        `INSERT INTO webhook_events (connection_id, event_id, event) VALUES ('crm', 'evt-orphan', $1)`,
        [
          JSON.stringify({
            eventId: 'evt-orphan',
            stream: 'customers',
            externalId: 'O1',
            action: 'upsert',
            record: { id: 'O1', name: 'Orphan' },
          }),
        ],
      );
      await test.hub.store.connections.remove('crm');
      const { rows } = await test.hub.store.db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM webhook_events WHERE connection_id = 'crm'`,
      );
      expect(rows[0]!.n).toBe(0);
      expect(await drainWebhookEvents(test.hub, 'crm')).toMatchObject({ read: 0, failed: 0 });
    });

    it('refuses an event for a stream the connection does not have, and never lets one block a drain', async () => {
      const unknown = signedWebhook({
        events: [
          { id: 'evt-ok', stream: 'customers', record: { id: 'S0', name: 'Stream Check Co', seq: 1 } },
          { id: 'evt-bad', stream: 'invoices', record: { id: 'X1' } },
        ],
      });
      await expect(acceptWebhook(test.hub, 'crm', unknown)).rejects.toMatchObject({
        code: 'unknown_stream',
        fieldPath: 'events[1].stream',
      });
      const count = async (sql: string) => (await test.hub.store.db.query<{ n: number }>(sql)).rows[0]!.n;
      expect(await count('SELECT count(*)::int AS n FROM webhook_events')).toBe(0);

      // Accepted while the stream existed; the connection's configuration changed before the drain.
      await test.hub.store.db.query(
        `INSERT INTO webhook_events (connection_id, event_id, event) VALUES ('crm', 'evt-gone', $1)`,
        [
          JSON.stringify({
            eventId: 'evt-gone',
            stream: 'invoices',
            externalId: 'X2',
            action: 'upsert',
            record: { id: 'X2' },
          }),
        ],
      );
      const later = signedWebhook({
        events: [
          { id: 'evt-after', stream: 'customers', record: { id: 'S1', name: 'After Gone Co', seq: 1 } },
        ],
      });
      expect(await acceptWebhook(test.hub, 'crm', later)).toEqual({ accepted: 1, duplicates: 0 });
      await eventually(
        async () =>
          (await count('SELECT count(*)::int AS n FROM webhook_events WHERE processed_at IS NULL')) === 0,
      );
      expect(await count(`SELECT count(*)::int AS n FROM xref WHERE connection_id = 'crm'`)).toBe(1);
      const { items: failures } = await listFailures(test.hub.store.db, {
        connectionId: 'crm',
        stream: 'invoices',
      });
      expect(failures.map((failure) => [failure.externalId, failure.errorCode])).toEqual([
        ['X2', 'unknown_stream'],
      ]);
    });
  },
);
