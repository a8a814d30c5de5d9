import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { changeLogOf } from '../../core/store/repos/golden.ts';
import { listFailures } from '../../core/sync/failures.ts';
import { processInboundPage } from '../../core/sync/inbound.ts';
import { saveMappingOverride } from '../../core/sync/mapping-source.ts';
import { replayFailure } from '../../core/sync/replay.ts';
import { inboundStreamFor, runSync } from '../../core/sync/run-sync.ts';
import { queueDrivers, storeDrivers } from '../support/drivers.ts';
import { memoryConnector, memorySystem } from '../support/memory-system.ts';
import { hubDriverPairs, startTestHub, type TestHub } from '../support/test-hub.ts';

let suffix = 0;

describe.each(hubDriverPairs(storeDrivers(), queueDrivers()))(
  'inbound sync on $label',
  ({ store, queue }) => {
    let test: TestHub;
    let systemName: string;
    beforeEach(async () => {
      test = await startTestHub({ store: await store.open(), queue: queue.open(), workers: false });
      systemName = `crm-in-${++suffix}-${Date.now()}`;
      await test.hub.store.connections.save(
        { id: 'crm', kind: 'memory', name: 'CRM', config: { system: systemName, pageSize: 50 } },
        memoryConnector.configSchema,
      );
    });
    afterEach(async () => {
      await test.stop();
    });

    it('finds a duplicate in the next page of the same run, also while that page is matched ahead', async () => {
      const crm = memorySystem(systemName);
      const hengda = {
        name: 'Ningbo Hengda Auto Parts Co., Ltd.',
        phone: '+86 574 8765 4321',
        email: 'sales@hengda-parts.com',
      };
      for (let n = 1; n <= 100; n++)
        crm.put(
          'customers',
          n === 10 || n === 60 ? { id: `A${n}`, ...hengda } : { id: `A${n}`, name: `Filler ${n}` },
        );
      const run = await runSync(test.hub, { connectionId: 'crm', stream: 'customers' });
      expect(run.counts).toMatchObject({ read: 100, created: 100, failed: 0 });
      const { rows } = await test.hub.store.db.query<{ reasons: Array<{ code: string }> }>(
        `SELECT m.reasons FROM mdm_matches m
       JOIN xref a ON a.canonical_id = m.left_id AND a.external_id = 'A10'
       JOIN xref b ON b.canonical_id = m.right_id AND b.external_id = 'A60'`,
      );
      // Two ids of one connection never join one golden record on their own: the pair waits for review.
      expect(rows).toHaveLength(1);
      expect(rows[0]!.reasons.map((reason) => reason.code)).toContain('same_connection');
    });

    it('stops extending a blocking key once it has more members than a lookup reads', async () => {
      const crm = memorySystem(systemName);
      for (let n = 1; n <= 250; n++) crm.put('customers', { id: `A${n}`, name: `Filler ${n}` });
      const run = await runSync(test.hub, { connectionId: 'crm', stream: 'customers' });
      expect(run.counts).toMatchObject({ read: 250, created: 250, failed: 0 });
      const { rows } = await test.hub.store.db.query<{ n: number }>(
        'SELECT max(members)::int AS n FROM (SELECT count(*) AS members FROM mdm_blocking_keys GROUP BY key) k',
      );
      // Pages matched ahead learn which keys are saturated; the embedded store writes page by page.
      if (test.hub.store.db.driver === 'postgres') expect(rows[0]!.n).toBeLessThan(250);
      else expect(rows[0]!.n).toBe(250);
    });

    it('gives a new record brought by two writers at once one golden record and one xref', async () => {
      const stream = await inboundStreamFor(test.hub, 'crm', 'customers');
      const page = (n: number) => ({ records: [{ id: 'RACE-1', name: 'Race Trading Co.', seq: n }] });
      const outcomes = await Promise.all([
        processInboundPage(stream, page(1)),
        processInboundPage(stream, page(2)),
      ]);
      expect(outcomes.map((outcome) => outcome.counts.failed)).toEqual([0, 0]);
      const { rows } = await test.hub.store.db.query<{ golden: number; xrefs: number }>(
        `SELECT (SELECT count(*)::int FROM golden_records) AS golden,
              (SELECT count(*)::int FROM xref WHERE external_id = 'RACE-1') AS xrefs`,
      );
      expect(rows[0]).toEqual({ golden: 1, xrefs: 1 });
    });

    it('reads every page, then only what changed since the cursor', async () => {
      const crm = memorySystem(systemName);
      for (let n = 1; n <= 120; n++)
        crm.put('customers', { id: `A${n}`, name: `Customer ${n}`, email: `c${n}@example.com` });
      const progress: number[] = [];
      const first = await runSync(test.hub, {
        connectionId: 'crm',
        stream: 'customers',
        onProgress: (counts) => progress.push(counts.read),
      });
      expect(first).toMatchObject({ status: 'succeeded', counts: { read: 120, created: 120, failed: 0 } });
      expect(progress).toEqual([50, 100, 120]);
      expect(first.cursorAfter).toBe(120);

      const idle = await runSync(test.hub, { connectionId: 'crm', stream: 'customers' });
      expect(idle.counts.read).toBe(0);
      expect(idle.cursorBefore).toBe(120);

      crm.put('customers', { id: 'A7', name: 'Customer 7 GmbH' });
      crm.put('customers', { id: 'A8', name: 'Customer 8' });
      const third = await runSync(test.hub, { connectionId: 'crm', stream: 'customers' });
      expect(third.counts).toMatchObject({ read: 2, updated: 1, unchanged: 1 });
      const { rows } = await test.hub.store.db.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM golden_records',
      );
      expect(rows[0]!.n).toBe(120);
    });

    it('files a bad record with its field path, imports the rest, and resolves it on replay after a mapping fix', async () => {
      const crm = memorySystem(systemName);
      crm.put('customers', { id: 'B1', name: 'Good Ltd', email: 'good@example.com' });
      crm.put('customers', { id: 'B2', name: 'Bad Ltd', email: 'sales at bad.example.com' });
      const run = await runSync(test.hub, { connectionId: 'crm', stream: 'customers' });
      expect(run).toMatchObject({
        status: 'partial',
        statusReason: 'partially synced: 1 records failed',
        counts: { created: 1, failed: 1 },
      });

      const { items } = await listFailures(test.hub.store.db, { connectionId: 'crm', state: 'open' });
      expect(items).toHaveLength(1);
      expect(items[0]).toMatchObject({
        externalId: 'B2',
        errorClass: 'value',
        fieldPath: 'email',
        direction: 'in',
        mappingVersion: expect.stringContaining('default v1'),
      });
      expect(items[0]!.rawPayload).toMatchObject({ email: 'sales at bad.example.com' });

      await saveMappingOverride(
        test.hub.store.db,
        { id: 'crm', kind: 'memory' },
        'customers',
        'in',
        `fields:\n  email: { expr: "$replace(email, ' at ', '@')" }\n`,
        'test',
        'tests/support/mappings',
      );
      const replay = await replayFailure(test.hub, items[0]!.id);
      expect(replay.state).toBe('resolved');
      const after = await listFailures(test.hub.store.db, { connectionId: 'crm', state: 'open' });
      expect(after.total).toBe(0);
    });

    it('parks a record whose reference has not arrived and writes it when the reference does', async () => {
      const crm = memorySystem(systemName);
      crm.put('contacts', { id: 'P1', lastName: 'Chen', firstName: 'Wei', accountId: 'ACC-9' });
      const contacts = await runSync(test.hub, { connectionId: 'crm', stream: 'contacts' });
      expect(contacts.counts).toMatchObject({ read: 1, pending: 1, created: 0, failed: 0 });

      crm.put('customers', { id: 'ACC-9', name: 'Ningbo Hengda Auto Parts' });
      const customers = await runSync(test.hub, { connectionId: 'crm', stream: 'customers' });
      expect(customers.counts.created).toBe(2); // the customer and the parked contact
      const { rows } = await test.hub.store.db.query<{ body: { customerId: string; lastName: string } }>(
        `SELECT body FROM golden_records WHERE entity = 'contact'`,
      );
      const { rows: customer } = await test.hub.store.db.query<{ id: string }>(
        `SELECT id FROM golden_records WHERE entity = 'customer'`,
      );
      expect(rows[0]!.body).toMatchObject({ lastName: 'Chen', customerId: customer[0]!.id });
      const parked = await test.hub.store.db.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM pending_refs',
      );
      expect(parked.rows[0]!.n).toBe(0);
    });

    it('waits with the newest copy of a record parked twice, for what that copy refers to', async () => {
      const crm = memorySystem(systemName);
      crm.put('contacts', { id: 'P2', lastName: 'Chen', accountId: 'ACC-OLD' });
      await runSync(test.hub, { connectionId: 'crm', stream: 'contacts' });
      // Moved to another account, not known yet either, while it was parked.
      crm.put('contacts', { id: 'P2', lastName: 'Chen', accountId: 'ACC-NEW' });
      await runSync(test.hub, { connectionId: 'crm', stream: 'contacts' });
      crm.put('customers', { id: 'ACC-OLD', name: 'Old Account Holdings' });
      await runSync(test.hub, { connectionId: 'crm', stream: 'customers' });
      const contacts = async () =>
        (await test.hub.store.db.query(`SELECT 1 FROM golden_records WHERE entity = 'contact'`)).rows.length;
      expect(await contacts()).toBe(0);
      const { rows } = await test.hub.store.db.query<{ ref_key: string }>('SELECT ref_key FROM pending_refs');
      expect(rows.map((row) => row.ref_key)).toEqual(['ACC-NEW']);
      crm.put('customers', { id: 'ACC-NEW', name: 'New Account Holdings' });
      await runSync(test.hub, { connectionId: 'crm', stream: 'customers' });
      expect(await contacts()).toBe(1);
    });

    it('never runs the same stream twice at once', async () => {
      const crm = memorySystem(systemName);
      for (let n = 1; n <= 30; n++) crm.put('customers', { id: `L${n}`, name: `Lock ${n}` });
      await test.hub.store.connections.save(
        {
          id: 'crm',
          kind: 'memory',
          name: 'CRM',
          config: { system: systemName, pageSize: 5, pageDelayMs: 30 },
        },
        memoryConnector.configSchema,
      );
      const results = await Promise.allSettled([
        runSync(test.hub, { connectionId: 'crm', stream: 'customers' }),
        runSync(test.hub, { connectionId: 'crm', stream: 'customers' }),
      ]);
      const rejected = results.filter((result) => result.status === 'rejected');
      expect(rejected).toHaveLength(1);
      expect(String((rejected[0] as PromiseRejectedResult).reason)).toMatch(/already being synced/);
      expect(results.find((result) => result.status === 'fulfilled')).toMatchObject({
        value: { counts: { created: 30 } },
      });
    });

    it('reports schema drift when a field appears or, seen by a full run, disappears', async () => {
      const crm = memorySystem(systemName);
      crm.put('customers', { id: 'D1', name: 'Drift Co', email: 'd@example.com' });
      await runSync(test.hub, { connectionId: 'crm', stream: 'customers' });
      crm.remove('customers', 'D1');
      crm.put('customers', { id: 'D2', name: 'Drift Two', vatNumber: 'DE123456789' });
      const run = await runSync(test.hub, { connectionId: 'crm', stream: 'customers', full: true });
      expect(run.schemaDrift).toEqual({ added: ['vatNumber'], removed: ['email'] });
      const { rows } = await test.hub.store.db.query<{ raw: { vatNumber: string } }>(
        `SELECT raw FROM source_records WHERE external_id = 'D2'`,
      );
      expect(rows[0]!.raw.vatNumber).toBe('DE123456789');
    });

    it('reports drift of fields a vendor keeps one level down', async () => {
      const crm = memorySystem(systemName);
      crm.put('customers', {
        id: 'N1',
        name: 'Nested Co',
        properties: { phone: '+49 30 1', industry: 'Steel' },
      });
      await runSync(test.hub, { connectionId: 'crm', stream: 'customers' });
      crm.remove('customers', 'N1');
      crm.put('customers', {
        id: 'N2',
        name: 'Nested Two',
        properties: { industry: 'Steel', vat_id: 'DE1' },
      });
      const run = await runSync(test.hub, { connectionId: 'crm', stream: 'customers', full: true });
      expect(run.schemaDrift).toEqual({ added: ['properties.vat_id'], removed: ['properties.phone'] });
    });

    it('reports no drift for a nested object that is empty in some records', async () => {
      const crm = memorySystem(systemName);
      crm.put('customers', { id: 'E1', name: 'Full Co', address: { city: 'Hamburg', street: 'Kai 1' } });
      await runSync(test.hub, { connectionId: 'crm', stream: 'customers' });
      crm.put('customers', { id: 'E2', name: 'No Address Co', address: null });
      crm.put('customers', { id: 'E3', name: 'Blank Address Co', address: {} });
      const incremental = await runSync(test.hub, { connectionId: 'crm', stream: 'customers' });
      expect(incremental.schemaDrift).toEqual({});
      crm.remove('customers', 'E2');
      crm.remove('customers', 'E3');
      const full = await runSync(test.hub, { connectionId: 'crm', stream: 'customers', full: true });
      expect(full).toMatchObject({ status: 'succeeded', schemaDrift: {} });
    });

    it('reports no drift when a nested object seen only empty is filled in later', async () => {
      const crm = memorySystem(systemName);
      crm.put('customers', { id: 'F1', name: 'Full Co', address: { city: 'Hamburg' } });
      crm.put('customers', { id: 'F2', name: 'No Address Co', address: null });
      await runSync(test.hub, { connectionId: 'crm', stream: 'customers' });
      crm.put('customers', { id: 'F2', name: 'No Address Co', address: { city: 'Bremen' } });
      const full = await runSync(test.hub, { connectionId: 'crm', stream: 'customers', full: true });
      expect(full).toMatchObject({ status: 'succeeded', schemaDrift: {} });
    });

    it('keeps every version in the change log', async () => {
      const crm = memorySystem(systemName);
      crm.put('customers', { id: 'V1', name: 'One' });
      await runSync(test.hub, { connectionId: 'crm', stream: 'customers' });
      crm.put('customers', { id: 'V1', name: 'Two' });
      await runSync(test.hub, { connectionId: 'crm', stream: 'customers' });
      const { rows } = await test.hub.store.db.query<{ canonical_id: string }>(
        `SELECT canonical_id FROM xref WHERE external_id = 'V1'`,
      );
      const log = await changeLogOf(test.hub.store.db, rows[0]!.canonical_id);
      expect(log.map((entry) => entry.body?.name)).toEqual(['One', 'Two']);
    });

    it('files a record holding a NUL or a lone surrogate as a failure and commits the rest of its page', async () => {
      const crm = memorySystem(systemName);
      crm.put('customers', { id: 'N1', name: 'Good One' });
      crm.put('customers', { id: 'N2', name: 'Bad\u0000Two' });
      crm.put('customers', { id: 'N3', name: 'Good Three', notes: ['fine', { memo: 'half \ud800 pair' }] });
      crm.put('customers', { id: 'N4', name: 'Good Four' });
      const run = await runSync(test.hub, { connectionId: 'crm', stream: 'customers' });
      expect(run.status).toBe('partial');
      expect(run.counts).toMatchObject({ read: 4, created: 2, failed: 2 });
      const { items } = await listFailures(test.hub.store.db, { connectionId: 'crm' });
      const byId = new Map(items.map((failure) => [failure.externalId, failure]));
      expect(byId.get('N2')).toMatchObject({ errorCode: 'unstorable_string', fieldPath: 'name' });
      expect(byId.get('N2')!.message).toContain('N2');
      expect(byId.get('N2')!.rawPayload).toMatchObject({ id: 'N2', name: 'Bad\\u0000Two' });
      expect(byId.get('N3')).toMatchObject({ errorCode: 'unstorable_string', fieldPath: 'notes[1].memo' });
      crm.put('customers', { id: 'N5', name: 'Good Five' });
      const next = await runSync(test.hub, { connectionId: 'crm', stream: 'customers', full: true });
      expect(next.status).toBe('partial');
      expect(next.counts).toMatchObject({ created: 1, failed: 2 });
    });

    it('keeps the copy of an id in a page with the highest cursor value, not the last one', async () => {
      const stream = await inboundStreamFor(test.hub, 'crm', 'customers');
      await processInboundPage(stream, {
        records: [
          { id: 'O1', name: 'Newest', seq: 10 },
          { id: 'O1', name: 'Older', seq: 9 },
        ],
      });
      const { rows } = await test.hub.store.db.query<{ raw: { name: string } }>(
        `SELECT raw FROM source_records WHERE external_id = 'O1'`,
      );
      expect(rows.map((row) => row.raw.name)).toEqual(['Newest']);
    });

    it('writes no older valid copy over a newer invalid one in a page, and keeps its failure open', async () => {
      const stream = await inboundStreamFor(test.hub, 'crm', 'customers');
      await processInboundPage(stream, {
        records: [{ id: 'X1', name: 'Held', email: 'held@example.com', seq: 1 }],
      });
      const outcome = await processInboundPage(stream, {
        records: [
          { id: 'X1', name: 'Old Good', email: 'old@example.com', seq: 2 },
          { id: 'X1', name: 'New Bad', email: 'new at example.com', seq: 3 },
        ],
      });
      expect(outcome.written).toEqual([]);
      const { items } = await listFailures(test.hub.store.db, { connectionId: 'crm' });
      expect(items.map((failure) => [failure.externalId, failure.state])).toEqual([['X1', 'open']]);
      const { rows } = await test.hub.store.db.query<{ raw: { name: string } }>(
        `SELECT raw FROM source_records WHERE external_id = 'X1'`,
      );
      expect(rows.map((row) => row.raw.name)).toEqual(['Held']);
    });

    it('brings a deleted record back when its source sends it again, even unchanged', async () => {
      const stream = await inboundStreamFor(test.hub, 'crm', 'customers');
      const record = { id: 'V1', name: 'Revived Tooling GmbH', email: 'v1@example.com', seq: 1 };
      await processInboundPage(stream, { records: [record] });
      await processInboundPage(stream, { records: [], deleted: ['V1'] });
      const outcome = await processInboundPage(stream, { records: [record] });
      expect(outcome.counts.updated).toBe(1);
      const { rows } = await test.hub.store.db.query<{ id: string; deleted: boolean; version: number }>(
        `SELECT g.id, g.deleted, g.version FROM golden_records g JOIN xref x ON x.canonical_id = g.id
         WHERE x.connection_id = 'crm' AND x.external_id = 'V1'`,
      );
      expect(rows).toEqual([expect.objectContaining({ deleted: false, version: 3 })]);
      const log = await changeLogOf(test.hub.store.db, rows[0]!.id);
      expect(log.map((change) => change.operation)).toEqual(['create', 'delete', 'update']);
    });

    it('keeps one failure when a replayed record fails again under another identity', async () => {
      const stream = await inboundStreamFor(test.hub, 'crm', 'customers');
      await processInboundPage(stream, {
        records: [
          { __error: { message: 'unterminated quote', fileName: 'c.csv', line: 3 }, raw: 'A9,"Acme' },
        ],
      });
      const [original] = (await listFailures(test.hub.store.db, { connectionId: 'crm' })).items;
      expect(original).toMatchObject({ errorCode: 'parse_error', state: 'open', attempts: 1 });
      const replay = await replayFailure(test.hub, original!.id);
      expect(replay).toMatchObject({ id: original!.id, state: 'open' });
      const after = (await listFailures(test.hub.store.db, { connectionId: 'crm' })).items;
      expect(
        after.map((failure) => [failure.id, failure.state, failure.attempts, failure.errorCode]),
      ).toEqual([[original!.id, 'open', 2, 'missing_primary_key']]);
    });

    it('counts a stale redelivery of a payload whose failure was resolved there, opening nothing', async () => {
      const stream = await inboundStreamFor(test.hub, 'crm', 'customers');
      const bad = { id: 'Y1', name: 'Bad Payload Ltd', email: 'bad at example.com', seq: 1 };
      await processInboundPage(stream, { records: [bad] });
      await processInboundPage(stream, {
        records: [{ id: 'Y1', name: 'Fixed Ltd', email: 'ok@example.com', seq: 2 }],
      });
      await processInboundPage(stream, { records: [bad] });
      const failuresNow = async () =>
        (await listFailures(test.hub.store.db, { connectionId: 'crm' })).items.map((failure) => [
          failure.externalId,
          failure.state,
          failure.attempts,
        ]);
      expect(await failuresNow()).toEqual([['Y1', 'resolved', 2]]);
      // New bad data for the same record is a new failure.
      await processInboundPage(stream, { records: [{ ...bad, email: 'worse at example.com', seq: 3 }] });
      expect((await failuresNow()).map(([, state]) => state).sort()).toEqual(['open', 'resolved']);
    });
  },
);
