import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Express } from 'express';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { csv } from '../../../connectors/csv/index.ts';
import { rest } from '../../../connectors/rest/index.ts';
import { bearer } from '../../../tests/integration/api-fixture.ts';
import { queueDrivers, storeDrivers } from '../../../tests/support/drivers.ts';
import { startTestHub, type TestHub } from '../../../tests/support/test-hub.ts';
import type { Connector } from '../../connector/types.ts';
import { scopesAllowedFor } from '../../security/roles.ts';
import { createToken } from '../../security/tokens.ts';
import { createUser } from '../../security/users.ts';
import { createApp } from '../app.ts';

// CSV and REST connections declare their streams in their config (their connector's own list is
// empty). The mappings list and the connections page list those streams; a REST config needs its
// secret (the bearer token) to parse, so the streams are read from the full config.
describe.each(storeDrivers())('streams declared in a connection config, on $name', (store) => {
  let test: TestHub;
  let app: Express;
  let token: string;
  beforeAll(async () => {
    test = await startTestHub({
      store: await store.open(),
      queue: queueDrivers()[0]!.open(),
      connectors: [csv, rest] as Connector<unknown>[],
      workers: false,
      mappingsRoot: 'mappings',
    });
    const db = test.hub.store.db;
    const user = await createUser(db, {
      email: 'v@example.com',
      role: 'viewer',
      password: 'a long test password 123',
    });
    token = (
      await createToken(db, {
        userId: user.id,
        userRole: 'viewer',
        name: 'v',
        scopes: scopesAllowedFor('viewer'),
      })
    ).token;
    const suppliers = {
      name: 'suppliers',
      entity: 'supplier',
      direction: 'import',
      columns: { Name: 'name' },
      idField: 'name',
    };
    await test.hub.store.connections.save(
      {
        id: 'files',
        kind: 'csv',
        name: 'Supplier files',
        config: {
          source: { type: 'folder', path: mkdtempSync(join(tmpdir(), 'config-streams-')) },
          streams: [suppliers],
        },
      },
      csv.configSchema,
    );
    await test.hub.store.connections.save(
      {
        id: 'erp',
        kind: 'rest',
        name: 'ERP',
        config: {
          baseUrl: 'https://erp.example.com',
          auth: { type: 'bearer', token: 'a-bearer-token-for-the-test' },
          streams: [{ name: 'receipts', entity: 'shipment', path: '/v1/receipts' }],
        },
      },
      rest.configSchema,
    );
    app = createApp(test.hub);
  });
  afterAll(async () => {
    await test?.stop();
  });
  const get = (path: string) => request(app).get(path).set(bearer(token));
  const names = (streams: Array<{ name: string; read: boolean }>) =>
    streams.filter((stream) => stream.read).map((stream) => stream.name);

  it('lists their mappings', async () => {
    const list = await get('/api/mappings');
    expect(list.status).toBe(200);
    expect(list.body.items.map((item: { id: string }) => item.id).sort()).toEqual([
      'erp:receipts:in',
      'files:suppliers:in',
    ]);
  });

  it('shows their readable streams on the connection views, without the secret', async () => {
    const list = await get('/api/connections');
    const byId = new Map(list.body.items.map((item: { id: string }) => [item.id, item]));
    expect(names((byId.get('files') as { streams: [] }).streams)).toEqual(['suppliers']);
    expect(names((byId.get('erp') as { streams: [] }).streams)).toEqual(['receipts']);
    const one = await get('/api/connections/erp');
    expect(names(one.body.streams)).toEqual(['receipts']);
    expect(JSON.stringify([list.body, one.body])).not.toContain('a-bearer-token-for-the-test');
  });
});
