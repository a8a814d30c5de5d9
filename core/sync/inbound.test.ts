import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { queueDrivers, storeDrivers } from '../../tests/support/drivers.ts';
import { memoryConnector } from '../../tests/support/memory-system.ts';
import { startTestHub, type TestHub } from '../../tests/support/test-hub.ts';
import { dryRun, zodValidator } from '../mapping/index.ts';
import { entitySchemas } from '../model/index.ts';
import { listFailures } from './failures.ts';
import { commitPage, preparePage, processInboundPage, releaseParked } from './inbound.ts';
import { saveMappingOverride } from './mapping-source.ts';
import { inboundRecordCheck } from './record-checks.ts';
import { replayFailure } from './replay.ts';
import { inboundStreamFor } from './run-sync.ts';
import { createXrefResolver } from './xref-resolver.ts';

describe.each(storeDrivers())('inbound pages on $name', (store) => {
  let test: TestHub;
  beforeEach(async () => {
    test = await startTestHub({
      store: await store.open(),
      queue: queueDrivers()[0]!.open(),
      workers: false,
    });
    await test.hub.store.connections.save(
      { id: 'crm', kind: 'memory', name: 'CRM', config: { system: `inbound-${Date.now()}`, pageSize: 50 } },
      memoryConnector.configSchema,
    );
  });
  afterEach(async () => {
    await test.stop();
  });

  const streamOf = (name: string) => inboundStreamFor(test.hub, 'crm', name);
  const count = async (sql: string) => (await test.hub.store.db.query<{ n: number }>(sql)).rows[0]!.n;

  /**
   * A contacts page mapped while its customer is unknown, then the customers run writing that
   * customer and releasing what waits for it, before the contacts page is written.
   */
  async function contactMappedBeforeItsCustomer() {
    const contacts = await streamOf('contacts');
    const ready = await preparePage(contacts, {
      records: [{ id: 'P1', lastName: 'Chen', accountId: 'ACC-1' }],
    });
    expect(ready.prepared[0]!.kind).toBe('pending');
    const written = await processInboundPage(await streamOf('customers'), {
      records: [{ id: 'ACC-1', name: 'Hengda' }],
    });
    await releaseParked(test.hub.store.db, streamOf, 'crm', 'customer', written.written);
    return { contacts, ready };
  }

  it('writes a record parked for a customer written while its page was mapped, once the page commits', async () => {
    const { contacts, ready } = await contactMappedBeforeItsCustomer();

    const outcome = await commitPage(contacts, ready);

    expect(outcome).toMatchObject({ written: ['P1'], parked: [] });
    expect(outcome.counts).toMatchObject({ read: 1, created: 1, pending: 0, released: 0 });
    expect(await count('SELECT count(*)::int AS n FROM pending_refs')).toBe(0);
    expect(await count(`SELECT count(*)::int AS n FROM golden_records WHERE entity = 'contact'`)).toBe(1);
  });

  it('writes such a record in the transaction of a caller that writes the page in its own', async () => {
    const { contacts, ready } = await contactMappedBeforeItsCustomer();

    const outcome = await test.hub.store.db.transaction((tx) => commitPage(contacts, ready, { within: tx }));

    expect(outcome).toMatchObject({ written: ['P1'], parked: [] });
    expect(await count('SELECT count(*)::int AS n FROM pending_refs')).toBe(0);
    expect(await count(`SELECT count(*)::int AS n FROM golden_records WHERE entity = 'contact'`)).toBe(1);
  });

  it('leaves parked a record whose reference is still missing', async () => {
    const contacts = await streamOf('contacts');
    const outcome = await processInboundPage(contacts, {
      records: [{ id: 'P2', lastName: 'Wu', accountId: 'ACC-404' }],
    });
    expect(outcome).toMatchObject({ written: [], parked: ['P2'] });
    expect(outcome.counts).toMatchObject({ pending: 1, created: 0 });
    expect(await count('SELECT count(*)::int AS n FROM pending_refs')).toBe(1);
  });

  it('forgets a parked record its source deleted, so its reference arriving later does not bring it back', async () => {
    const contacts = await streamOf('contacts');
    await processInboundPage(contacts, { records: [{ id: 'P3', lastName: 'Lee', accountId: 'ACC-9' }] });
    const deletion = await processInboundPage(contacts, { records: [], deleted: ['P3'] });
    expect(deletion.counts.pending).toBe(0);
    const customers = await processInboundPage(await streamOf('customers'), {
      records: [{ id: 'ACC-9', name: 'Nine Forge' }],
    });
    await releaseParked(test.hub.store.db, streamOf, 'crm', 'customer', customers.written);
    expect(await count('SELECT count(*)::int AS n FROM pending_refs')).toBe(0);
    expect(await count(`SELECT count(*)::int AS n FROM source_records WHERE external_id = 'P3'`)).toBe(0);
  });

  it('resolves the open failure of a record its source deleted, so no replay brings it back', async () => {
    const customers = await streamOf('customers');
    await processInboundPage(customers, {
      records: [{ id: 'F4', name: 'Four Ltd', email: 'four at example' }],
    });
    await processInboundPage(customers, { records: [], deleted: ['F4'] });
    const { items } = await listFailures(test.hub.store.db, { connectionId: 'crm' });
    expect(items.map((failure) => [failure.externalId, failure.state])).toEqual([['F4', 'resolved']]);
    expect(items[0]!.message).toMatch(/^The record was deleted in the source\. The failure was: /);
  });

  it('writes the records parked for a record once a replay writes it', async () => {
    const customers = await streamOf('customers');
    await processInboundPage(customers, {
      records: [{ id: 'ACC-6', name: 'Six Ltd', email: 'six at example.com' }],
    });
    await processInboundPage(await streamOf('contacts'), {
      records: [{ id: 'P6', lastName: 'Kim', accountId: 'ACC-6' }],
    });
    expect(await count('SELECT count(*)::int AS n FROM pending_refs')).toBe(1);
    const mapping = `fields:\n  email: { expr: "$replace(email, ' at ', '@')" }\n`;
    const connection = { id: 'crm', kind: 'memory' };
    await saveMappingOverride(
      test.hub.store.db,
      connection,
      'customers',
      'in',
      mapping,
      'test',
      'tests/support/mappings',
    );
    const [failure] = (await listFailures(test.hub.store.db, { connectionId: 'crm' })).items;
    expect(await replayFailure(test.hub, failure!.id)).toMatchObject({ state: 'resolved' });
    expect(await count('SELECT count(*)::int AS n FROM pending_refs')).toBe(0);
    expect(await count(`SELECT count(*)::int AS n FROM source_records WHERE external_id = 'P6'`)).toBe(1);
  });

  it('tells newer from older copies by the time their cursor field names, not by its text', async () => {
    const customers = await streamOf('customers');
    const copy = (name: string, seq: string) => ({ id: 'T1', name, seq });
    const nameHeld = async () =>
      (
        await test.hub.store.db.query<{ name: string }>(
          `SELECT raw->>'name' AS name FROM source_records WHERE external_id = 'T1'`,
        )
      ).rows[0]!.name;
    await processInboundPage(customers, { records: [copy('Whole Second', '2024-05-01T10:00:05Z')] });
    await processInboundPage(customers, { records: [copy('Half Past', '2024-05-01T10:00:05.5Z')] });
    expect(await nameHeld()).toBe('Half Past');
    await processInboundPage(customers, {
      records: [copy('Eleven UTC', '2024-05-01T11:00:00Z'), copy('Ten UTC', '2024-05-01T12:00:00+02:00')],
    });
    expect(await nameHeld()).toBe('Eleven UTC');
  });

  it('dry-runs a record the run refuses before mapping as invalid, with the run’s error', async () => {
    const customers = await streamOf('customers');
    const refused = [
      { Id: 'C-7', name: 'Keyless Trading' },
      { id: 'C-8', name: 'Nul\u0000 Trading' },
      { __error: { message: 'unclosed quote', fileName: 'customers.csv', line: 3 }, raw: '"C-9,Broken' },
    ];
    await processInboundPage(customers, { records: refused });
    const failures = (await listFailures(test.hub.store.db, { connectionId: 'crm', state: 'open' })).items;

    const report = await dryRun(
      customers.mapping.compiled,
      [...refused, { id: 'C-10', name: 'Fine Trading' }],
      { resolver: createXrefResolver(test.hub.store.db, 'crm') },
      zodValidator(entitySchemas.customer),
      inboundRecordCheck(customers.spec),
    );

    expect(report.summary).toEqual({ total: 4, ok: 1, pending: 0, invalid: 3 });
    const reported = report.samples.slice(0, 3).map((sample) => sample.errors[0]);
    const filed = (code: string) => failures.find((failure) => failure.errorCode === code)!;
    expect(reported.map((error) => error!.code)).toEqual([
      'missing_primary_key',
      'unstorable_string',
      'parse_error',
    ]);
    for (const error of reported)
      expect(error).toMatchObject({
        path: filed(error!.code).fieldPath ?? '(record)',
        message: filed(error!.code).message,
      });
  });
});
