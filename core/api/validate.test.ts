import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiFixture, bearer, startApiFixture } from '../../tests/integration/api-fixture.ts';
import { queueDrivers, storeDrivers } from '../../tests/support/drivers.ts';

// A NUL (\u0000) is valid JSON and valid in a URL, but PostgreSQL text and jsonb refuse it: it is
// answered 400 naming the field before any route runs, never 500 "internal error".
describe.each(storeDrivers())('malformed input on $name', (store) => {
  let fixture: ApiFixture;
  beforeAll(async () => {
    fixture = await startApiFixture({ store, queue: queueDrivers()[0]! });
  });
  afterAll(async () => fixture.stop());

  const call = (method: 'get' | 'post', path: string, body?: object) => {
    const pending = request(fixture.app)[method](path).set(bearer(fixture.tokens.admin));
    return body ? pending.send(body) : pending;
  };

  it.each([
    ['get', '/api/failures?connection=%00', undefined, 'connection'],
    ['get', '/api/runs?connection=%00', undefined, 'connection'],
    ['get', '/api/records/customer?q=%00', undefined, 'q'],
    ['get', '/api/mdm/matches?entity=%00', undefined, 'entity'],
    ['get', '/api/audit?actor=%00', undefined, 'actor'],
    ['get', '/api/flow-runs?flow=%00', undefined, 'flow'],
    ['get', '/api/mappings/a%00:customers:in', undefined, 'id'],
    ['get', '/api/connections/a%00', undefined, 'id'],
    ['post', '/api/failures/replay', { text: '\u0000' }, 'text'],
    ['post', '/api/tokens', { name: 'ci\u0000', scopes: ['read'] }, 'name'],
    [
      'post',
      '/api/connections',
      { id: 'nul', kind: 'memory', name: 'a', config: { system: 's\u0000' } },
      'config.system',
    ],
    ['post', '/api/auth/login', { email: 'x\u0000@example.com', password: 'whatever-password' }, 'email'],
  ] as const)('%s %s with a NUL is a 400 naming %s', async (method, path, body, fieldPath) => {
    const response = await call(method, path, body);
    expect(response.status).toBe(400);
    expect(response.body.error).toMatchObject({ code: 'unstorable_string', details: { fieldPath } });
    expect(response.body.error.message).toContain(fieldPath);
  });

  it('refuses a lone surrogate the same way, and lets ordinary text through', async () => {
    const surrogate = await call('post', '/api/failures/replay', { text: '\ud800' });
    expect(surrogate.status).toBe(400);
    const ordinary = await call('get', '/api/failures?connection=caf%C3%A9%20%F0%9F%98%80');
    expect(ordinary.status).toBe(200);
  });

  it('answers a path parameter with a broken percent escape 400', async () => {
    const response = await call('get', '/api/connections/%E0%A4%A');
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('invalid_path_parameter');
  });

  it('answers a dry-run on a failureId that is not a uuid 400 naming failureId', async () => {
    const response = await request(fixture.app)
      .post('/api/mappings/crm:customers:in/dry-run')
      .set(bearer(fixture.tokens.operator))
      .send({ failureId: 'not-a-uuid' });
    expect(response.status).toBe(400);
    expect(response.body.error.details.fieldPath).toBe('failureId');
  });

  it('still answers an unauthenticated request with a NUL 401, not 400', async () => {
    expect((await request(fixture.app).get('/api/runs?connection=%00')).status).toBe(401);
  });
});
