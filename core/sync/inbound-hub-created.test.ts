import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { canonicalIdOf } from '../../tests/integration/flow-fixture.ts';
import { queueDrivers, storeDrivers } from '../../tests/support/drivers.ts';
import { memoryConnector, memorySystem } from '../../tests/support/memory-system.ts';
import { startTestHub, type TestHub } from '../../tests/support/test-hub.ts';
import { processInboundPage } from './inbound.ts';
import { handleWriteJob } from './outbound.ts';
import { inboundStreamFor } from './run-sync.ts';

// The hub creates a record in a target; the target holds it (with the hub id the connector wrote
// on it) before the write job records its id. A read of the target in between sees a record
// nobody links yet: it is the hub's own, not a new customer.
describe.each(storeDrivers())('a read that sees a create before the hub recorded it, on $name', (store) => {
  let test: TestHub;
  let shopSystem: string;
  beforeEach(async () => {
    test = await startTestHub({
      store: await store.open(),
      queue: queueDrivers()[0]!.open(),
      workers: false,
    });
    shopSystem = `hub-created-shop-${Date.now()}-${Math.random()}`;
    for (const [id, system] of [
      ['crm', `hub-created-crm-${Date.now()}-${Math.random()}`],
      ['shop', shopSystem],
    ] as const)
      await test.hub.store.connections.save(
        { id, kind: 'memory', name: id, config: { system } },
        memoryConnector.configSchema,
      );
  });
  afterEach(async () => {
    await test.stop();
  });

  const read = async (connectionId: string, stream: string, records: unknown[]) =>
    processInboundPage(await inboundStreamFor(test.hub, connectionId, stream), { records });
  const opportunityCount = async () => {
    const { rows } = await test.hub.store.db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM golden_records WHERE entity = 'opportunity'",
    );
    return rows[0]!.n;
  };
  const openFailures = async () => {
    const { rows } = await test.hub.store.db.query<{ message: string }>(
      "SELECT message FROM failed_syncs WHERE state = 'open'",
    );
    return rows.map((row) => row.message);
  };
  /** A won deal of the CRM, and its customer in both systems: the deal is what the hub creates in the shop. */
  const wonDeal = async () => {
    await read('crm', 'customers', [{ id: 'ACC-1', name: 'Ningbo HD Co.' }]);
    await read('shop', 'customers', [{ id: 'C-1', name: 'Ningbo HD Co.' }]);
    await read('crm', 'opportunities', [
      { id: 'OPP-1', name: 'Brake discs 2027', accountId: 'ACC-1', stage: 'won' },
    ]);
    return canonicalIdOf(test.hub, 'opportunity', 'crm', 'OPP-1');
  };
  const createdInShop = (hubId: string, name = 'Brake discs 2027') =>
    memorySystem(shopSystem).put('opportunities', { name, accountId: 'C-1', stage: 'won', hubId });

  it('links the record to the one it was created for, and the create is then recorded without a conflict', async () => {
    const deal = await wonDeal();
    const created = createdInShop(deal);

    await read('shop', 'opportunities', [created]);
    expect(await canonicalIdOf(test.hub, 'opportunity', 'shop', String(created.id))).toBe(deal);
    expect(await opportunityCount()).toBe(1);

    // The write job's answer comes in (or its retry finds the record by the hub id).
    const { rows } = await test.hub.store.db.query<{ version: number }>(
      'SELECT version FROM golden_records WHERE id = $1',
      [deal],
    );
    await handleWriteJob(
      test.hub,
      {
        connectionId: 'shop',
        stream: 'opportunities',
        items: [{ canonicalId: deal, version: rows[0]!.version }],
      },
      'job-after-read',
    );
    expect(await openFailures()).toEqual([]);
    expect(memorySystem(shopSystem).list('opportunities')).toHaveLength(1);
  });

  it('keeps a copy made in the target, carrying a hub id already linked, as a record of its own', async () => {
    const deal = await wonDeal();
    const first = createdInShop(deal);
    const copy = createdInShop(deal, 'Brake discs 2027 (copy)');

    await read('shop', 'opportunities', [first, copy]);
    expect(await canonicalIdOf(test.hub, 'opportunity', 'shop', String(first.id))).toBe(deal);
    expect(await canonicalIdOf(test.hub, 'opportunity', 'shop', String(copy.id))).not.toBe(deal);
    expect(await opportunityCount()).toBe(2);
  });

  it('takes a hub id of no live record for what it is: a new record', async () => {
    await wonDeal();
    const stranger = createdInShop('0b9e7a52-1f7c-4c55-9d3e-3f2d8e6a1b00', 'Unknown deal');
    await read('shop', 'opportunities', [stranger]);
    expect(await canonicalIdOf(test.hub, 'opportunity', 'shop', String(stranger.id))).not.toBe(
      '0b9e7a52-1f7c-4c55-9d3e-3f2d8e6a1b00',
    );
    expect(await opportunityCount()).toBe(2);
  });
});
