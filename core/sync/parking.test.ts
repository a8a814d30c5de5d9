import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { queueDrivers, storeDrivers } from '../../tests/support/drivers.ts';
import { memoryConnector } from '../../tests/support/memory-system.ts';
import { startTestHub, type TestHub } from '../../tests/support/test-hub.ts';
import { listFailures } from './failures.ts';
import { processInboundPage } from './inbound.ts';
import { expireParked } from './parking.ts';
import { inboundStreamFor } from './run-sync.ts';

describe.each(storeDrivers())('parked records on $name', (store) => {
  let test: TestHub;
  beforeEach(async () => {
    test = await startTestHub({
      store: await store.open(),
      queue: queueDrivers()[0]!.open(),
      workers: false,
    });
    await test.hub.store.connections.save(
      { id: 'crm', kind: 'memory', name: 'CRM', config: { system: `parking-${Date.now()}`, pageSize: 50 } },
      memoryConnector.configSchema,
    );
  });
  afterEach(async () => {
    await test.stop();
  });

  it('are filed, once they have waited too long, with the mapping version they were parked with', async () => {
    const { hub } = test;
    const contacts = await inboundStreamFor(hub, 'crm', 'contacts');
    const outcome = await processInboundPage(contacts, {
      records: [{ id: 'P1', lastName: 'Chen', accountId: 'ACC-404' }],
    });
    expect(outcome.parked).toEqual(['P1']);

    expect(await hub.store.db.transaction((tx) => expireParked(tx, 0))).toBe(1);

    const { items } = await listFailures(hub.store.db, { connectionId: 'crm', state: 'open' });
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({
      externalId: 'P1',
      errorCode: 'pending_reference_timeout',
      fieldPath: 'customerId',
      mappingVersion: contacts.mapping.label,
    });
    expect(items[0]!.mappingVersion).toMatch(/^default v1 \([0-9a-f]{12}\)$/);
  });

  it('wait on through a pause of their connection: the pause does not count toward their limit', async () => {
    const { hub } = test;
    const { db } = hub.store;
    const contacts = await inboundStreamFor(hub, 'crm', 'contacts');
    await processInboundPage(contacts, { records: [{ id: 'P2', lastName: 'Wu', accountId: 'ACC-405' }] });
    // Parked 50 min ago; the CRM was paused 40 min ago.
    await db.query(`UPDATE pending_refs SET first_seen = now() - interval '50 minutes'`);
    await hub.store.connections.pause('crm', 'CRM upgrade');
    await db.query(
      `UPDATE connection_state SET updated_at = now() - interval '40 minutes' WHERE key = 'paused-from'`,
    );
    const expire = (minutes: number) => db.transaction((tx) => expireParked(tx, minutes * 60_000));

    expect(await expire(0)).toBe(0);
    await hub.store.connections.resume('crm');
    // 10 min of waiting counted, not 50.
    expect(await expire(45)).toBe(0);
    const { rows } = await db.query<{ waited_min: number }>(
      `SELECT round(extract(epoch FROM now() - first_seen) / 60)::int AS waited_min FROM pending_refs`,
    );
    expect(rows).toEqual([{ waited_min: 10 }]);
    expect(await expire(5)).toBe(1);
  });
});
