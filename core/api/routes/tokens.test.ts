import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ApiFixture,
  bearer,
  PASSWORD,
  startApiFixture,
} from '../../../tests/integration/api-fixture.ts';
import { queueDrivers, storeDrivers } from '../../../tests/support/drivers.ts';
import { createToken } from '../../security/tokens.ts';

// A token may create or revoke tokens only with the admin scope: a read-only token handed to a
// dashboard must not mint tokens that outlive it, nor revoke its owner's admin tokens. People
// signed in to the admin UI still manage their own tokens whatever their role.
describe.each(storeDrivers())('API token management on $name', (store) => {
  let fixture: ApiFixture;
  beforeAll(async () => {
    fixture = await startApiFixture({ store, queue: queueDrivers()[0]!, loginLimit: 1000 });
  });
  afterAll(async () => fixture.stop());

  const api = () => request(fixture.app);
  const readOnlyTokenOf = async (role: 'admin' | 'operator') =>
    createToken(fixture.test.hub.store.db, {
      userId: fixture.users[role].id,
      userRole: role,
      name: 'dashboard',
      scopes: ['read'],
    });
  const signIn = async (role: 'viewer' | 'operator') => {
    const agent = request.agent(fixture.app);
    const login = await agent
      .post('/api/auth/login')
      .send({ email: `${role}@example.com`, password: PASSWORD });
    expect(login.status).toBe(200);
    return { agent, csrf: { 'X-CSRF-Token': login.body.csrfToken as string } };
  };

  it('refuses a read-only token of an admin creating a token, even a read one', async () => {
    const { token } = await readOnlyTokenOf('admin');
    const minted = await api()
      .post('/api/tokens')
      .set(bearer(token))
      .send({ name: 'more', scopes: ['read'] });
    expect(minted.status).toBe(403);
    expect(minted.body.error).toMatchObject({ code: 'role_too_low', details: { needed: 'admin' } });
  });

  it("refuses a read-only token revoking its owner's admin token, which keeps working", async () => {
    const { token } = await readOnlyTokenOf('admin');
    const admin = await createToken(fixture.test.hub.store.db, {
      userId: fixture.users.admin.id,
      userRole: 'admin',
      name: 'ci',
      scopes: ['admin'],
    });
    const revoked = await api().delete(`/api/tokens/${admin.record.id}`).set(bearer(token));
    expect(revoked.status).toBe(403);
    expect((await api().get('/api/users').set(bearer(admin.token))).status).toBe(200);
  });

  it('refuses token management to an operator token too, but lets it list its own tokens', async () => {
    const operator = bearer(fixture.tokens.operator);
    expect(
      (
        await api()
          .post('/api/tokens')
          .set(operator)
          .send({ name: 'x', scopes: ['read'] })
      ).status,
    ).toBe(403);
    const listed = await api().get('/api/tokens').set(operator);
    expect(listed.status).toBe(200);
    expect(
      listed.body.items.every((item: { userId: string }) => item.userId === fixture.users.operator.id),
    ).toBe(true);
  });

  it('lets an admin-scoped token create and revoke tokens', async () => {
    const admin = bearer(fixture.tokens.admin);
    const created = await api()
      .post('/api/tokens')
      .set(admin)
      .send({ name: 'ci', scopes: ['operate'] });
    expect(created.status).toBe(201);
    const revoked = await api().delete(`/api/tokens/${created.body.id}`).set(admin);
    expect(revoked.status).toBe(200);
    expect(revoked.body.revokedAt).not.toBeNull();
  });

  it('lets a signed-in viewer create and revoke their own read token, and nothing more', async () => {
    const { agent, csrf } = await signIn('viewer');
    const created = await agent
      .post('/api/tokens')
      .set(csrf)
      .send({ name: 'mine', scopes: ['read'] });
    expect(created.status).toBe(201);
    expect(created.body.userId).toBe(fixture.users.viewer.id);
    const higher = await agent
      .post('/api/tokens')
      .set(csrf)
      .send({ name: 'more', scopes: ['operate'] });
    expect(higher.status).toBe(403);
    expect(higher.body.error.code).toBe('scope_not_allowed');
    expect((await agent.delete(`/api/tokens/${created.body.id}`).set(csrf)).status).toBe(200);
  });

  it("does not let a signed-in operator revoke another user's token", async () => {
    const { agent, csrf } = await signIn('operator');
    const { record } = await readOnlyTokenOf('admin');
    const revoked = await agent.delete(`/api/tokens/${record.id}`).set(csrf);
    expect(revoked.status).toBe(404);
    expect(revoked.body.error.code).toBe('token_not_found');
  });

  it('documents the two roles in the OpenAPI document', async () => {
    const doc = await api().get('/api/openapi.json').set(bearer(fixture.tokens.viewer));
    expect(doc.body.paths['/api/tokens'].post).toMatchObject({
      'x-required-role': 'admin',
      'x-session-role': 'viewer',
    });
    expect(doc.body.paths['/api/tokens/{id}'].delete['x-required-role']).toBe('admin');
  });
});
