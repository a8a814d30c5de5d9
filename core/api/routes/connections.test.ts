import { readFileSync } from 'node:fs';
import nock from 'nock';
import request from 'supertest';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { salesforce } from '../../../connectors/salesforce/index.ts';
import {
  type ApiFixture,
  bearer,
  PASSWORD,
  startApiFixture,
} from '../../../tests/integration/api-fixture.ts';
import { openEmbeddedStore, queueDrivers, storeDrivers } from '../../../tests/support/drivers.ts';
import { memoryConnector, memorySystem } from '../../../tests/support/memory-system.ts';
import { startTestHub, type TestHub } from '../../../tests/support/test-hub.ts';
import type { Connector } from '../../connector/types.ts';
import { createMemoryQueue } from '../../queue/memory-driver.ts';
import { createToken } from '../../security/tokens.ts';
import { createUser } from '../../security/users.ts';
import { createConnectionState } from '../../store/repos/connection-state.ts';
import { runSync } from '../../sync/run-sync.ts';
import { startRun } from '../../sync/runs.ts';
import { acquireStreamLease } from '../../sync/stream-lock.ts';
import { createApp } from '../app.ts';

const fixtures = new URL('../../../connectors/salesforce/__fixtures__/', import.meta.url);
const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`${name}.json`, fixtures), 'utf8'));

// The options a connection's write queue is consumed with are checked when it is saved: a value
// the queue refuses would otherwise leave the connection without a write worker.

describe.each(storeDrivers())('connection options on $name', (store) => {
  let fixture: ApiFixture;
  beforeAll(async () => {
    fixture = await startApiFixture({ store, queue: queueDrivers()[0]! });
  });
  afterAll(async () => {
    await fixture.stop();
  });
  const create = (options: unknown) =>
    request(fixture.app)
      .post('/api/connections')
      .set(bearer(fixture.tokens.admin))
      .send({ id: 'erp', kind: 'memory', name: 'ERP', config: { system: 'erp-options' }, options });

  it.each([
    [{ concurrency: 0 }, 'options.concurrency'],
    [{ concurrency: '4' }, 'options.concurrency'],
    [{ concurrency: 1.5 }, 'options.concurrency'],
    [{ rateLimit: { max: 0, perMs: 1000 } }, 'options.rateLimit.max'],
    [{ rateLimit: { max: 10, perMs: -1 } }, 'options.rateLimit.perMs'],
    [{ rateLimit: { max: 10 } }, 'options.rateLimit.perMs'],
    [{ circuitHalfOpenMs: 'ten seconds' }, 'options.circuitHalfOpenMs'],
    [{ circuitHalfOpenMs: 0 }, 'options.circuitHalfOpenMs'],
  ])('refuses to create a connection with options %j, naming %s', async (options, fieldPath) => {
    const response = await create(options);
    expect(response.status).toBe(400);
    expect(response.body.error.message).toContain(fieldPath);
    expect(response.body.error.details.fieldPath).toBe(fieldPath);
  });

  it('saves good options and refuses bad ones on an update', async () => {
    const options = { push: ['customers'], concurrency: 4, rateLimit: { max: 10, perMs: 1000 } };
    expect((await create(options)).status).toBe(201);
    const update = (next: unknown) =>
      request(fixture.app)
        .put('/api/connections/erp')
        .set(bearer(fixture.tokens.admin))
        .send({ name: 'ERP', config: { system: 'erp-options' }, options: next });
    const refused = await update({ ...options, concurrency: -2 });
    expect(refused.status).toBe(400);
    expect(refused.body.error.details.fieldPath).toBe('options.concurrency');
    expect((await fixture.test.hub.store.connections.get('erp')).options).toEqual(options);
    expect((await update({ ...options, concurrency: 2 })).status).toBe(200);
  });

  it('refuses bad options saved without the API, naming the connection and the field', async () => {
    const save = fixture.test.hub.store.connections.save(
      { id: 'cli', kind: 'memory', name: 'CLI', config: { system: 'cli' }, options: { concurrency: 0 } },
      memoryConnector.configSchema,
    );
    await expect(save).rejects.toMatchObject({
      code: 'invalid_connection_options',
      fieldPath: 'options.concurrency',
      message: expect.stringMatching(/^connection cli: options\.concurrency: /),
    });
  });
});

// A connection deleted and created again under the same id, typically for a new system, starts
// from scratch: no cursor of the old system (every record below it would be skipped, and the run
// still report success) and no mapping override of the old connection.
describe.each(storeDrivers())('a connection deleted and created again on $name', (store) => {
  let fixture: ApiFixture;
  beforeAll(async () => {
    fixture = await startApiFixture({ store, queue: queueDrivers()[0]! });
  });
  afterAll(async () => fixture.stop());
  const admin = () => bearer(fixture.tokens.admin);
  const create = (system: string) =>
    request(fixture.app)
      .post('/api/connections')
      .set(admin())
      .send({ id: 'plant', kind: 'memory', name: 'Plant', config: { system } });

  it('reads the new system from its start and runs the default mapping', async () => {
    const stamp = `${Date.now()}-${Math.random()}`;
    const oldSystem = memorySystem(`old-${stamp}`);
    for (let n = 1; n <= 6; n++) oldSystem.put('customers', { id: `O${n}`, name: `Old ${n}` });
    expect((await create(oldSystem.name)).status).toBe(201);
    await request(fixture.app)
      .put('/api/mappings/plant:customers:in')
      .set(admin())
      .send({ yaml: 'fields:\n  email: { expr: "\'old-override@example.com\'" }\n' })
      .expect(200);
    expect(
      (await runSync(fixture.test.hub, { connectionId: 'plant', stream: 'customers' })).counts.read,
    ).toBe(6);

    await request(fixture.app).delete('/api/connections/plant').set(admin()).expect(200);
    const newSystem = memorySystem(`new-${stamp}`);
    for (let n = 1; n <= 3; n++) newSystem.put('customers', { id: `N${n}`, name: `New ${n}` });
    expect((await create(newSystem.name)).status).toBe(201);

    const mapping = await request(fixture.app).get('/api/mappings/plant:customers:in').set(admin());
    const again = await runSync(fixture.test.hub, { connectionId: 'plant', stream: 'customers' });
    expect({ read: again.counts.read, mappingVersion: mapping.body.version }).toEqual({
      read: 3,
      mappingVersion: 1,
    });
  });

  it('answers 409 naming the run while one of its streams is syncing', async () => {
    const lease = await acquireStreamLease(fixture.test.hub.store.db, 'crm', 'contacts');
    try {
      const runId = await startRun(fixture.test.hub.store.db, {
        connectionId: 'crm',
        stream: 'contacts',
        mode: 'full',
      });
      const response = await request(fixture.app).delete('/api/connections/crm').set(admin());
      expect(response.status).toBe(409);
      expect(response.body.error).toMatchObject({
        code: 'connection_syncing',
        message: `Connection "crm" is syncing contacts (run ${runId}); delete it once the run has ended`,
        details: { stream: 'contacts', runId },
      });
    } finally {
      await lease.release();
    }
    expect((await request(fixture.app).get('/api/connections/crm').set(admin())).status).toBe(200);
  });
});

// An admin re-authorizes a connection (needs_reauthorization) by entering a new refresh token:
// what the connector cached from the old one (a rotated refresh token, a session) must not win
// over it. A save that changes nothing the sign-in depends on keeps the cached session.
describe('re-authorizing a Salesforce connection through the API', () => {
  const loginUrl = 'https://login.salesforce.com';
  const sandboxLoginUrl = 'https://test.salesforce.com';
  const instanceUrl = 'https://acme.my.salesforce.com';
  const auth = { type: 'refresh_token', clientId: '3MVG9-connected-app', clientSecret: 'app-secret' };
  // The hosts are fictional and there is no DNS here; nock answers every call.
  const options = { allowPrivateNetwork: true };
  let test: TestHub;
  let app: ReturnType<typeof createApp>;
  let admin: Record<string, string>;
  let presented: Array<{ host: string; refreshToken: string }>;
  let connectionId: string;
  let sequence = 0;

  beforeAll(async () => {
    nock.disableNetConnect();
    nock.enableNetConnect(/127\.0\.0\.1|localhost/);
    test = await startTestHub({
      store: await openEmbeddedStore(),
      queue: createMemoryQueue(),
      connectors: [salesforce as Connector<unknown>],
      workers: false,
    });
    const user = await createUser(test.hub.store.db, {
      email: 'admin@example.com',
      role: 'admin',
      password: PASSWORD,
    });
    const token = await createToken(test.hub.store.db, {
      userId: user.id,
      userRole: 'admin',
      name: 'test',
      scopes: ['admin'],
    });
    admin = bearer(token.token);
    app = createApp(test.hub);
  });
  beforeEach(async () => {
    presented = [];
    connectionId = `sf-${++sequence}`;
    const created = await request(app)
      .post('/api/connections')
      .set(admin)
      .send({
        id: connectionId,
        kind: 'salesforce',
        name: 'Salesforce',
        config: sfConfig('refresh-original'),
        options,
      });
    expect(created.status).toBe(201);
    // Salesforce's token endpoint: the grant the admin entered last is the one that works.
    for (const host of [loginUrl, sandboxLoginUrl])
      nock(host)
        .persist()
        .post('/services/oauth2/token', (body: Record<string, string>) => {
          presented.push({ host, refreshToken: body.refresh_token ?? '' });
          return true;
        })
        .reply(() =>
          presented.at(-1)?.refreshToken === 'refresh-revoked'
            ? [400, fixture('token-invalid-grant')]
            : [200, { ...(fixture('token-refresh') as object), access_token: `access-${presented.length}` }],
        );
    nock(instanceUrl).persist().get('/services/data/').reply(200, fixture('versions'));
    nock(instanceUrl)
      .persist()
      .get(/\/services\/data\/v62\.0\/sobjects\/\w+\/describe$/)
      .reply(200, fixture('describe-account'));
  });
  afterEach(() => nock.cleanAll());
  afterAll(async () => {
    nock.enableNetConnect();
    await test.stop();
  });

  function sfConfig(refreshToken?: string, overrides: Record<string, unknown> = {}) {
    return { loginUrl, auth: { ...auth, ...(refreshToken ? { refreshToken } : {}) }, ...overrides };
  }
  const check = () => request(app).post(`/api/connections/${connectionId}/check`).set(admin).expect(200);
  const update = (config: Record<string, unknown>) =>
    request(app)
      .put(`/api/connections/${connectionId}`)
      .set(admin)
      .send({ name: 'Salesforce', config, options })
      .expect(200);

  it('signs in with the refresh token the admin just entered, not the one rotated before', async () => {
    // An earlier sign-in with rotation on left the rotated token behind (before tokens named their
    // grant); since then the user revoked the app, so the connection needs re-authorizing.
    await createConnectionState(test.hub.store.db, test.hub.store.box, connectionId).set(
      'salesforce.refresh_token',
      'refresh-revoked',
    );
    await update(sfConfig('refresh-reauthorized'));
    await check();
    expect(presented).toEqual([{ host: loginUrl, refreshToken: 'refresh-reauthorized' }]);
  });

  it('keeps the cached session when a save changes nothing the sign-in depends on', async () => {
    await check();
    // The form never has the secrets to send back: left out, they keep their stored values.
    await update(sfConfig(undefined, { overlapSeconds: 600 }));
    const checked = await check();
    await check();
    expect(checked.body.checks).toContainEqual({
      name: 'api_version',
      ok: true,
      message: 'API version 62.0 is available',
    });
    expect(presented).toEqual([{ host: loginUrl, refreshToken: 'refresh-original' }]);
  });

  it('signs in again, at the new login URL, when the login URL changes', async () => {
    await check();
    await update(sfConfig(undefined, { loginUrl: sandboxLoginUrl }));
    await check();
    expect(presented.map((entry) => entry.host)).toEqual([loginUrl, sandboxLoginUrl]);
  });
});
