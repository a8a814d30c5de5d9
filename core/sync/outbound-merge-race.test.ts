import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { canonicalIdOf } from '../../tests/integration/flow-fixture.ts';
import { queueDrivers, storeDrivers } from '../../tests/support/drivers.ts';
import { memoryConnector, memorySystem } from '../../tests/support/memory-system.ts';
import { startTestHub, type TestHub } from '../../tests/support/test-hub.ts';
import { mergeRecords } from '../mdm/service/merge.ts';
import { processInboundPage } from './inbound.ts';
import { handleWriteJob } from './outbound.ts';
import { inboundStreamFor } from './run-sync.ts';

// A write job reads the golden rows, then looks up their links in the target (another statement,
// another snapshot). A merge that commits in between moves the link to the survivor: a lookup
// that missed it would send the record as a create, a duplicate in the target.
describe.each(storeDrivers())('outbound prefetch vs a concurrent merge on $name', (store) => {
  let test: TestHub;
  let crmSystem: string;
  beforeEach(async () => {
    test = await startTestHub({
      store: await store.open(),
      queue: queueDrivers()[0]!.open(),
      workers: false,
    });
    crmSystem = `merge-race-crm-${Date.now()}-${Math.random()}`;
    for (const [id, system] of [
      ['crm', crmSystem],
      ['shop', `merge-race-shop-${Date.now()}-${Math.random()}`],
    ] as const)
      await test.hub.store.connections.save(
        { id, kind: 'memory', name: id, config: { system, pageSize: 50 } },
        memoryConnector.configSchema,
      );
  });
  afterEach(async () => {
    await test.stop();
  });

  it('never creates a second target record for a record merged between the golden read and the link lookup', async () => {
    const { hub } = test;
    const write = async (connectionId: string, id: string, name: string) =>
      processInboundPage(await inboundStreamFor(hub, connectionId, 'customers'), { records: [{ id, name }] });
    await write('crm', 'ACC-1', 'Ningbo HD Co.');
    await write('shop', 'S-1', 'HD Components Webshop');
    const crm = await canonicalIdOf(hub, 'customer', 'crm', 'ACC-1');
    const shop = await canonicalIdOf(hub, 'customer', 'shop', 'S-1');
    memorySystem(crmSystem).put('customers', { id: 'ACC-1', name: 'Ningbo HD Co.' });
    const { rows } = await hub.store.db.query<{ version: number }>(
      'SELECT version FROM golden_records WHERE id = $1',
      [crm],
    );

    // The steward merges the CRM customer into the shop's one right after the write job read it.
    const { db } = hub.store;
    const query = db.query;
    let merged = false;
    db.query = (async (text: string, params?: unknown[]) => {
      if (!merged && /(FROM|JOIN) xref\b/.test(text)) {
        merged = true;
        await db.transaction((tx) => mergeRecords(tx, { survivorId: shop, mergedId: crm, actor: 'steward' }));
      }
      return query.call(db, text, params);
    }) as typeof db.query;
    try {
      await handleWriteJob(
        hub,
        {
          connectionId: 'crm',
          stream: 'customers',
          items: [{ canonicalId: crm, version: rows[0]!.version }],
        },
        'job-race',
      );
    } finally {
      db.query = query;
    }
    expect(merged, 'the merge ran between the golden read and the link lookup').toBe(true);
    expect(
      memorySystem(crmSystem)
        .list('customers')
        .map((record) => record.id),
    ).toEqual(['ACC-1']);
  });
});
