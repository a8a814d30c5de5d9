import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiOperations } from '../../core/api/openapi/catalog.ts';
import type { ApiOperation } from '../../core/api/openapi/operations.ts';
import { hasRole, roles } from '../../core/security/roles.ts';
import { queueDrivers, storeDrivers } from '../support/drivers.ts';
import { type ApiFixture, bearer, startApiFixture } from './api-fixture.ts';

// Ids that exist nowhere, so that allowed calls are answered 2xx/4xx without changing the fixture.
const paramValues: Record<string, string> = {
  id: '00000000-0000-4000-8000-000000000000',
  stream: 'customers',
  entity: 'customer',
  command: 'mix',
};

function concretePath(operation: ApiOperation): string {
  const base = operation.path.startsWith('/api/mappings/:id')
    ? operation.path.replace(':id', 'crm:customers:in')
    : operation.path;
  return base.replace(/:(\w+)/g, (_match, name: string) => encodeURIComponent(paramValues[name] ?? 'x'));
}

function call(fixture: ApiFixture, operation: ApiOperation, token?: string) {
  const path = concretePath(operation);
  let pending = request(fixture.app)[operation.method](path);
  if (token) pending = pending.set(bearer(token));
  return operation.method === 'get' || operation.method === 'delete' ? pending : pending.send({});
}

describe.each(storeDrivers())('every route for every role on $name', (store) => {
  let fixture: ApiFixture;
  beforeAll(async () => {
    fixture = await startApiFixture({ store, queue: queueDrivers()[0]!, loginLimit: 1000 });
  });
  afterAll(async () => {
    await fixture.stop();
  });

  const table = apiOperations.flatMap((operation) => [
    { operation, role: 'anonymous' as const },
    ...roles.map((role) => ({ operation, role })),
  ]);

  it.each(
    table.map((row) => ({
      ...row,
      label: `${row.operation.method.toUpperCase()} ${row.operation.path} as ${row.role} (needs ${row.operation.role})`,
    })),
  )('$label', async ({ operation, role }) => {
    const response = await call(fixture, operation, role === 'anonymous' ? undefined : fixture.tokens[role]);
    const allowed = operation.role === 'public' || (role !== 'anonymous' && hasRole(role, operation.role));
    if (role === 'anonymous' && operation.role !== 'public') {
      expect(response.status).toBe(401);
      expect(response.body.error.code).toBe('unauthenticated');
    } else if (!allowed) {
      expect(response.status).toBe(403);
      expect(response.body.error.code).toBe('role_too_low');
    } else {
      expect(response.status, JSON.stringify(response.body)).toBeLessThan(500);
      expect([401, 403]).not.toContain(response.status);
      // The operation exists: a documented route that no router serves would answer route_not_found.
      expect(response.body?.error?.code).not.toBe('route_not_found');
    }
  });

  it('keeps health, readiness, metrics and webhooks open', async () => {
    expect((await request(fixture.app).get('/healthz')).status).toBe(200);
    expect((await request(fixture.app).get('/readyz')).status).toBe(200);
    expect((await request(fixture.app).get('/metrics')).status).toBe(200);
    const webhook = await request(fixture.app)
      .post('/webhooks/crm')
      .set('Content-Type', 'application/json')
      .send('{"events":[]}');
    // The connector judges the signature; the API's sign-in is never asked for.
    expect(webhook.body.error?.code).not.toBe('unauthenticated');
  });

  it('answers a route nobody documented 404, whatever the role, without reaching a handler', async () => {
    const read = await request(fixture.app).get('/api/not-documented').set(bearer(fixture.tokens.viewer));
    expect(read.status).toBe(404);
    const write = await request(fixture.app)
      .post('/api/not-documented')
      .set(bearer(fixture.tokens.operator))
      .send({});
    expect(write.status).toBe(404);
  });

  it('lets only admins open the queue board', async () => {
    expect((await request(fixture.app).get('/admin/queues')).status).toBe(401);
    expect(
      (await request(fixture.app).get('/admin/queues').set(bearer(fixture.tokens.operator))).status,
    ).toBe(403);
    const board = await request(fixture.app).get('/admin/queues').set(bearer(fixture.tokens.admin));
    expect(board.status).toBe(200);
    expect(board.text).toContain('sync-runs');
  });

  it('refuses revoked tokens and caps a token by its scopes', async () => {
    const created = await request(fixture.app)
      .post('/api/tokens')
      .set(bearer(fixture.tokens.admin))
      .send({ name: 'read only', scopes: ['read'] });
    expect(created.status).toBe(201);
    const readOnly = created.body.token as string;
    expect((await request(fixture.app).get('/api/runs').set(bearer(readOnly))).status).toBe(200);
    expect(
      (await request(fixture.app).post('/api/failures/replay').set(bearer(readOnly)).send({})).status,
    ).toBe(403);
    const listed = await request(fixture.app).get('/api/tokens').set(bearer(fixture.tokens.admin));
    expect(JSON.stringify(listed.body)).not.toContain(readOnly);
    await request(fixture.app).delete(`/api/tokens/${created.body.id}`).set(bearer(fixture.tokens.admin));
    expect((await request(fixture.app).get('/api/runs').set(bearer(readOnly))).status).toBe(401);
    const escalate = await request(fixture.app)
      .post('/api/tokens')
      .set(bearer(fixture.tokens.operator))
      .send({ name: 'more', scopes: ['admin'] });
    expect(escalate.status).toBe(403);
  });
});
