import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { canonicalIdOf, connectCrmAndErp, goldenVersionOf } from '../../tests/integration/flow-fixture.ts';
import { queueDrivers, storeDrivers } from '../../tests/support/drivers.ts';
import type { MemorySystem } from '../../tests/support/memory-system.ts';
import { startTestHub, type TestHub } from '../../tests/support/test-hub.ts';
import { listFailures } from './failures.ts';
import { saveMappingOverride } from './mapping-source.ts';
import { handleWriteJob } from './outbound.ts';
import { runSync } from './run-sync.ts';

// A record whose data the outbound mapping cannot turn into a value fails on its own, as a value
// error naming the record and the field; the other records of its write job are written.

describe.each(storeDrivers())('outbound value errors on $name', (driver) => {
  let test: TestHub;
  let crm: MemorySystem;
  let erp: MemorySystem;
  beforeEach(async () => {
    test = await startTestHub({
      store: await driver.open(),
      queue: queueDrivers()[0]!.open(),
      workers: false,
    });
    ({ crm, erp } = await connectCrmAndErp(test.hub, 'outbound-values'));
  });
  afterEach(async () => {
    await test.stop();
  });

  /** Golden records synced from the CRM, with `changes` written into their bodies as stored. */
  async function synced(stream: string, entity: string, ids: string[], changes: Record<string, object> = {}) {
    await runSync(test.hub, { connectionId: 'crm', stream });
    const items = [];
    for (const id of ids) {
      const canonicalId = await canonicalIdOf(test.hub, entity, 'crm', id);
      if (changes[id])
        await test.hub.store.db.query('UPDATE golden_records SET body = body || $2::jsonb WHERE id = $1', [
          canonicalId,
          JSON.stringify(changes[id]),
        ]);
      items.push({ canonicalId, version: await goldenVersionOf(test.hub, canonicalId) });
    }
    return items;
  }

  const erpFailures = async () => (await listFailures(test.hub.store.db, { connectionId: 'erp' })).items;

  it('fails only the record whose reference field holds a value that is not a canonical id', async () => {
    erp.put('customers', { id: 'E-1', name: 'Hengda Auto Parts' });
    await runSync(test.hub, { connectionId: 'erp', stream: 'customers' });
    const customerId = await canonicalIdOf(test.hub, 'customer', 'erp', 'E-1');
    for (const [id, lastName] of [
      ['P1', 'Chen'],
      ['P2', 'Wang'],
      ['P3', 'Li'],
    ])
      crm.put('contacts', { id, lastName });
    const items = await synced('contacts', 'contact', ['P1', 'P2', 'P3'], {
      P1: { customerId },
      P2: { customerId: 'ACC-77' },
    });

    await handleWriteJob(test.hub, { connectionId: 'erp', stream: 'contacts', items }, 'job-refs');

    const written = erp.list('contacts').map((contact) => [contact.lastName, contact.accountId]);
    expect(written.sort()).toEqual([
      ['Chen', 'E-1'],
      ['Li', undefined],
    ]);
    const failures = await erpFailures();
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({
      canonicalId: items[1]!.canonicalId,
      errorClass: 'value',
      errorCode: 'invalid_reference',
      fieldPath: 'accountId',
    });
    expect(failures[0]!.message).toContain(`contact ${items[1]!.canonicalId}: accountId:`);
    expect(failures[0]!.message).toContain('"ACC-77"');
  });

  it('fails only the record whose expression yields a number beyond the double range', async () => {
    await saveMappingOverride(
      test.hub.store.db,
      { id: 'erp', kind: 'memory' },
      'customers',
      'out',
      'version: 2\nfields:\n  creditLimit: { expr: "$number(creditText)" }\n',
      'steward@example.com',
      test.hub.mappingsRoot,
    );
    crm.put('customers', { id: 'C-1', name: 'Hengda Auto Parts' });
    crm.put('customers', { id: 'C-2', name: 'Ningbo Castings' });
    const items = await synced('customers', 'customer', ['C-1', 'C-2'], {
      'C-1': { creditText: '25000' },
      'C-2': { creditText: '1e400' },
    });

    await handleWriteJob(test.hub, { connectionId: 'erp', stream: 'customers', items }, 'job-numbers');

    expect(erp.list('customers').map((customer) => [customer.name, customer.creditLimit])).toEqual([
      ['Hengda Auto Parts', 25000],
    ]);
    const failures = await erpFailures();
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({
      canonicalId: items[1]!.canonicalId,
      errorClass: 'value',
      fieldPath: 'creditLimit',
    });
    expect(failures[0]!.message).toContain(`customer ${items[1]!.canonicalId}: creditLimit:`);
  });
});
