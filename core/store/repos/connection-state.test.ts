import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeDrivers } from '../../../tests/support/drivers.ts';
import { memoryConnector } from '../../../tests/support/memory-system.ts';
import { createSecretBox } from '../../security/secret-box.ts';
import type { Store } from '../index.ts';
import { createConnectionState, forgetCachedCredentials } from './connection-state.ts';

// The credentials a connector caches (a session, a rotated refresh token) are sealed like the
// connections' own secrets, and dropped when the connection is re-authorized with new secrets.

describe.each(storeDrivers())('connection state on $name', (driver) => {
  let store: Store;
  let sequence = 0;
  beforeAll(async () => {
    store = await driver.open();
  });
  afterAll(async () => store.close());

  async function newConnection(secret = 'whsec-original-1') {
    const id = `state-${++sequence}`;
    await store.connections.save(
      { id, kind: 'memory', name: id, config: { system: id, webhookSecret: secret } },
      memoryConnector.configSchema,
    );
    return id;
  }
  const storedValue = async (id: string, key: string) =>
    (
      await store.db.query<{ value: unknown }>(
        'SELECT value FROM connection_state WHERE connection_id = $1 AND key = $2',
        [id, key],
      )
    ).rows[0]?.value;
  const keysOf = async (id: string) =>
    (
      await store.db.query<{ key: string }>(
        'SELECT key FROM connection_state WHERE connection_id = $1 ORDER BY key',
        [id],
      )
    ).rows.map((row) => row.key);

  it('seals values that hold a credential and gives them back as written', async () => {
    const id = await newConnection();
    const state = createConnectionState(store.db, store.box, id);
    const session = { accessToken: '00D!session-secret', instanceUrl: 'https://acme.example', expiresAt: 1 };
    await state.set('salesforce.session', session);
    await state.set('salesforce.refresh_token', { token: '5Aep-rotated-secret', grant: 'g' });
    expect(JSON.stringify(await storedValue(id, 'salesforce.session'))).not.toContain('session-secret');
    expect(JSON.stringify(await storedValue(id, 'salesforce.refresh_token'))).not.toContain('rotated-secret');
    expect(await state.get('salesforce.session')).toEqual(session);
    expect(await state.get('salesforce.refresh_token')).toEqual({ token: '5Aep-rotated-secret', grant: 'g' });
  });

  it('stores other state as it is', async () => {
    const id = await newConnection();
    const state = createConnectionState(store.db, store.box, id);
    await state.set('csv.orders.imports', [{ file: 'orders-1.csv', rows: 3 }]);
    expect(await storedValue(id, 'csv.orders.imports')).toEqual([{ file: 'orders-1.csv', rows: 3 }]);
  });

  it('treats a credential sealed under another master key as not cached', async () => {
    const id = await newConnection();
    const other = createSecretBox(Buffer.alloc(32, 7));
    await store.db.query(
      `INSERT INTO connection_state (connection_id, key, value) VALUES ($1, 'hubspot.token', $2)`,
      [id, JSON.stringify({ $sealed: other.seal(JSON.stringify({ accessToken: 'x', expiresAt: 1 })) })],
    );
    expect(await createConnectionState(store.db, store.box, id).get('hubspot.token')).toBeUndefined();
  });

  it('forgets the cached credentials, also those cached before they were sealed, and keeps the rest', async () => {
    const id = await newConnection();
    const state = createConnectionState(store.db, store.box, id);
    await state.set('hubspot.token', { accessToken: 'a', expiresAt: 1, grant: 'g' });
    await store.db.query(
      `INSERT INTO connection_state (connection_id, key, value) VALUES ($1, 'salesforce.refresh_token', '"legacy"')`,
      [id],
    );
    await state.set('odoo.uid:db:hub@acme.example', 2);
    await state.set('run-request:customers', { at: 1, generation: 0 });
    await forgetCachedCredentials(store.db, id);
    expect(await keysOf(id)).toEqual(['odoo.uid:db:hub@acme.example', 'run-request:customers']);
  });

  it('drops the cached credentials when a save changes the secrets, and keeps them otherwise', async () => {
    const id = await newConnection('whsec-original-1');
    const state = createConnectionState(store.db, store.box, id);
    await state.set('memory.session', { accessToken: 'cached' });
    const save = (secret: string, name: string) =>
      store.connections.save(
        { id, kind: 'memory', name, config: { system: id, webhookSecret: secret } },
        memoryConnector.configSchema,
      );
    await save('whsec-original-1', 'Renamed');
    expect(await state.get('memory.session')).toEqual({ accessToken: 'cached' });
    await save('whsec-reauthorized-2', 'Renamed');
    expect(await state.get('memory.session')).toBeUndefined();
  });
});
