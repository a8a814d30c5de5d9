import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createToken } from '../../core/security/tokens.ts';
import { queueDrivers, storeDrivers } from '../support/drivers.ts';
import { type ApiFixture, bearer, startApiFixture } from './api-fixture.ts';

const newUser = { email: 'escalated@example.com', role: 'admin', password: 'a long enough password 1' };

describe.each(storeDrivers())('API security on $name', (store) => {
  let fixture: ApiFixture;
  beforeAll(async () => {
    fixture = await startApiFixture({ store, queue: queueDrivers()[0]!, loginLimit: 1000 });
  });
  afterAll(async () => {
    await fixture.stop();
  });

  const api = () => request(fixture.app);
  const readOnlyTokenOf = async (role: 'admin' | 'operator') =>
    (
      await createToken(fixture.test.hub.store.db, {
        userId: fixture.users[role].id,
        userRole: role,
        name: 'read only',
        scopes: ['read'],
      })
    ).token;
  const auditActions = async () => {
    const audit = await api().get('/api/audit?limit=500').set(bearer(fixture.tokens.admin));
    return (audit.body.items as Array<{ action: string; target: string | null }>).map(
      (entry) => `${entry.action} ${entry.target}`,
    );
  };

  describe('token minting', () => {
    it('refuses a read-only token of an admin an admin token, even naming its own user id', async () => {
      const readOnly = await readOnlyTokenOf('admin');
      const minted = await api()
        .post('/api/tokens')
        .set(bearer(readOnly))
        .send({ name: 'up', scopes: ['admin'], userId: fixture.users.admin.id });
      expect(minted.status).toBe(403);
      expect(minted.body.error.code).toBe('role_too_low');
      const escalated = await api().post('/api/users').set(bearer(readOnly)).send(newUser);
      expect(escalated.status).toBe(403);
    });

    it('refuses a read-only token of an operator an operate token naming its own user id', async () => {
      const readOnly = await readOnlyTokenOf('operator');
      const minted = await api()
        .post('/api/tokens')
        .set(bearer(readOnly))
        .send({ name: 'up', scopes: ['operate'], userId: fixture.users.operator.id });
      expect(minted.status).toBe(403);
    });

    it('refuses a read-only token minting even a read token for itself', async () => {
      const readOnly = await readOnlyTokenOf('operator');
      const minted = await api()
        .post('/api/tokens')
        .set(bearer(readOnly))
        .send({ name: 'same', scopes: ['read'], userId: fixture.users.operator.id });
      expect(minted.status).toBe(403);
    });

    it('lets an admin issue a token for another user up to that user’s role only', async () => {
      const issue = (scopes: string[]) =>
        api()
          .post('/api/tokens')
          .set(bearer(fixture.tokens.admin))
          .send({ name: 'for operator', scopes, userId: fixture.users.operator.id });
      expect((await issue(['operate'])).status).toBe(201);
      expect((await issue(['admin'])).status).toBe(403);
    });
  });

  describe('path case', () => {
    it.each(['/api/Users', '/api/USERS', '/api/Audit', '/api/users/'])(
      'gives %s the role of its operation',
      async (path) => {
        const response = await api().get(path).set(bearer(fixture.tokens.viewer));
        expect(response.status).toBe(403);
        expect(response.body.error.code).toBe('role_too_low');
      },
    );

    it('audits a change made through a mixed-case path', async () => {
      const admin = bearer(fixture.tokens.admin);
      const created = await api()
        .post('/api/Connections')
        .set(admin)
        .send({ id: 'mixed-case', kind: 'memory', name: 'Mixed', config: { system: 'mixed-case' } });
      expect(created.status).toBe(201);
      expect((await api().delete('/api/CONNECTIONS/mixed-case').set(admin)).status).toBe(200);
      expect(await auditActions()).toEqual(
        expect.arrayContaining(['connection.create mixed-case', 'connection.delete mixed-case']),
      );
    });

    it('answers a request that matches no operation 404 whatever the role, 401 without sign-in', async () => {
      for (const role of ['viewer', 'operator', 'admin'] as const) {
        const response = await api().post('/api/not-documented').set(bearer(fixture.tokens[role])).send({});
        expect(response.status).toBe(404);
        expect(response.body.error.code).toBe('route_not_found');
      }
      expect((await api().get('/api/not-documented')).status).toBe(401);
    });
  });

  describe('malformed ids', () => {
    it.each([
      ['patch', '/api/users/not-a-uuid', { role: 'viewer' }, 'user_not_found'],
      ['delete', '/api/users/not-a-uuid', undefined, 'user_not_found'],
      ['delete', '/api/tokens/not-a-uuid', undefined, 'token_not_found'],
      ['get', '/api/flow-runs/not-a-uuid', undefined, 'flow_run_not_found'],
      ['post', '/api/flow-runs/not-a-uuid/replay', {}, 'flow_run_not_found'],
    ] as const)('%s %s answers 404 naming the id', async (method, path, body, code) => {
      const pending = api()[method](path).set(bearer(fixture.tokens.admin));
      const response = body === undefined ? await pending : await pending.send(body);
      expect(response.status).toBe(404);
      expect(response.body.error).toMatchObject({ code, message: expect.stringContaining('not-a-uuid') });
    });

    it('answers a flow run on a malformed record id 400 naming the field', async () => {
      const response = await api()
        .post('/api/flows/lead-to-cash/run')
        .set(bearer(fixture.tokens.admin))
        .send({ recordId: 'not-a-uuid' });
      expect(response.status).toBe(400);
      expect(response.body.error.message).toContain('recordId');
    });
  });
});
