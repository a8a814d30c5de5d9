import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { canonicalIdOf } from '../../tests/integration/flow-fixture.ts';
import { queueDrivers, storeDrivers } from '../../tests/support/drivers.ts';
import { memoryConnector, memorySystem } from '../../tests/support/memory-system.ts';
import { startTestHub, type TestHub } from '../../tests/support/test-hub.ts';
import { mergeRecords } from '../mdm/service/merge.ts';
import { processInboundPage } from './inbound.ts';
import { handleWriteJob } from './outbound.ts';
import { inboundStreamFor } from './run-sync.ts';
import { createXrefResolver } from './xref-resolver.ts';

describe.each(storeDrivers())('the xref resolver on $name', (store) => {
  let test: TestHub;
  let erpSystem: string;
  beforeEach(async () => {
    test = await startTestHub({
      store: await store.open(),
      queue: queueDrivers()[0]!.open(),
      workers: false,
    });
    erpSystem = `xref-erp-${Date.now()}`;
    for (const [id, system] of [
      ['crm', `xref-crm-${Date.now()}`],
      ['shop', `xref-shop-${Date.now()}`],
      ['erp', erpSystem],
    ] as const)
      await test.hub.store.connections.save(
        { id, kind: 'memory', name: id, config: { system, pageSize: 50 } },
        memoryConnector.configSchema,
      );
  });
  afterEach(async () => {
    await test.stop();
  });

  /** One company known to each system under a name too different to be matched on its own. */
  async function customerInEachSystem() {
    const { hub } = test;
    const write = async (connectionId: string, id: string, name: string) =>
      processInboundPage(await inboundStreamFor(hub, connectionId, 'customers'), { records: [{ id, name }] });
    await write('erp', 'E-1', 'Hengda Auto Parts');
    await write('crm', 'ACC-1', 'Ningbo HD Co.');
    await write('shop', 'S-1', 'HD Components Webshop');
    return {
      erp: await canonicalIdOf(hub, 'customer', 'erp', 'E-1'),
      crm: await canonicalIdOf(hub, 'customer', 'crm', 'ACC-1'),
      shop: await canonicalIdOf(hub, 'customer', 'shop', 'S-1'),
    };
  }

  const merge = (survivorId: string, mergedId: string) =>
    test.hub.store.db.transaction((tx) => mergeRecords(tx, { survivorId, mergedId, actor: 'steward' }));

  it('resolves a merged-away record to the id its survivor has in the target, through a chain of merges', async () => {
    const ids = await customerInEachSystem();
    await merge(ids.crm, ids.shop);
    await merge(ids.erp, ids.crm);

    const resolver = createXrefResolver(test.hub.store.db, 'erp');
    expect(await resolver.toExternal('customer', ids.shop)).toBe('E-1');
    expect(await resolver.toExternal('customer', ids.crm)).toBe('E-1');
    expect(await resolver.toExternal('customer', ids.erp)).toBe('E-1');
    const prefetched = createXrefResolver(test.hub.store.db, 'erp');
    await prefetched.prefetchCanonical('customer', [ids.shop, ids.crm]);
    expect(await prefetched.toExternal('customer', ids.shop)).toBe('E-1');
    // A target that knows none of the merged records knows nothing of the survivor either.
    expect(
      await createXrefResolver(test.hub.store.db, 'nowhere').toExternal('customer', ids.shop),
    ).toBeUndefined();
  });

  it('lets a record that references a merged-away customer be written with the survivor’s id', async () => {
    const { hub } = test;
    const ids = await customerInEachSystem();
    await processInboundPage(await inboundStreamFor(hub, 'crm', 'contacts'), {
      records: [{ id: 'P1', lastName: 'Chen', accountId: 'ACC-1' }],
    });
    await merge(ids.erp, ids.crm);
    const { rows } = await hub.store.db.query<{ id: string; version: number; customer: string }>(
      `SELECT id, version, body->>'customerId' AS customer FROM golden_records WHERE entity = 'contact'`,
    );
    expect(rows[0]!.customer).toBe(ids.crm);

    const items = [{ canonicalId: rows[0]!.id, version: rows[0]!.version }];
    await handleWriteJob(hub, { connectionId: 'erp', stream: 'contacts', items }, 'job-1');

    expect(
      memorySystem(erpSystem)
        .list('contacts')
        .map((contact) => contact.accountId),
    ).toEqual(['E-1']);
  });

  it('looks up the links of ids read as live directly, and still follows merges for the others', async () => {
    const ids = await customerInEachSystem();
    await merge(ids.erp, ids.shop);
    const { db } = test.hub.store;
    const statements: string[] = [];
    const counting = {
      ...db,
      query: ((text: string, params?: unknown[]) => {
        statements.push(text);
        return db.query(text, params);
      }) as typeof db.query,
    };
    const resolver = createXrefResolver(counting, 'erp');
    await resolver.prefetchCanonical('customer', [ids.erp], new Set([ids.erp]));
    expect(statements.some((text) => text.includes('WITH RECURSIVE'))).toBe(false);
    await resolver.prefetchCanonical('customer', [ids.shop], new Set([ids.erp]));
    expect(statements.filter((text) => text.includes('WITH RECURSIVE'))).toHaveLength(1);
    const lookups = statements.length;
    expect(await resolver.toExternal('customer', ids.erp)).toBe('E-1');
    expect(await resolver.toExternal('customer', ids.shop)).toBe('E-1');
    expect(statements).toHaveLength(lookups);
  });

  it('refuses a canonical id of the wrong form as bad data, and still prefetches the others', async () => {
    const ids = await customerInEachSystem();
    const resolver = createXrefResolver(test.hub.store.db, 'erp');
    await resolver.prefetchCanonical('customer', [ids.erp, 'ACC-77']);
    expect(await resolver.toExternal('customer', ids.erp)).toBe('E-1');
    await expect(resolver.toExternal('customer', 'ACC-77')).rejects.toMatchObject({
      kind: 'invalid_data',
      code: 'invalid_reference',
      message: '"ACC-77" is not the canonical id of a customer (expected a UUID)',
    });
  });
});
