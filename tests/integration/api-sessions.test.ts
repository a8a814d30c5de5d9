import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HubError } from '../../core/errors/index.ts';
import { recordFailure } from '../../core/sync/failures.ts';
import { queueDrivers, storeDrivers } from '../support/drivers.ts';
import { type ApiFixture, bearer, PASSWORD, startApiFixture } from './api-fixture.ts';

async function auditActions(fixture: ApiFixture): Promise<string[]> {
  const { rows } = await fixture.test.hub.store.db.query<{ action: string }>(
    'SELECT action FROM audit_log ORDER BY id',
  );
  return rows.map((row) => row.action);
}

describe.each(storeDrivers())('sessions, CSRF, rate limit and audit on $name', (store) => {
  let fixture: ApiFixture;
  beforeAll(async () => {
    fixture = await startApiFixture({ store, queue: queueDrivers()[0]!, loginLimit: 5 });
  });
  afterAll(async () => {
    await fixture.stop();
  });

  it('signs in with a cookie session that needs the CSRF token for changes, and audits the login', async () => {
    const agent = request.agent(fixture.app);
    const login = await agent
      .post('/api/auth/login')
      .send({ email: 'Operator@Example.com', password: PASSWORD });
    expect(login.status).toBe(200);
    expect(login.body).toMatchObject({ email: 'operator@example.com', role: 'operator', via: 'session' });
    const cookie = String(login.headers['set-cookie']);
    expect(cookie).toMatch(/thub_session=.+HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect((await agent.get('/api/auth/me')).body.role).toBe('operator');
    const withoutCsrf = await agent.post('/api/failures/replay').send({ connection: 'nothing' });
    expect(withoutCsrf.status).toBe(403);
    expect(withoutCsrf.body.error.code).toBe('csrf_token_invalid');
    const wrongCsrf = await agent
      .post('/api/failures/replay')
      .set('X-CSRF-Token', 'guess')
      .send({ connection: 'nothing' });
    expect(wrongCsrf.status).toBe(403);
    const withCsrf = await agent
      .post('/api/failures/replay')
      .set('X-CSRF-Token', login.body.csrfToken)
      .send({ connection: 'nothing' });
    expect(withCsrf.status).toBe(200);
    expect(await auditActions(fixture)).toContain('auth.login');
    await agent.post('/api/auth/logout').set('X-CSRF-Token', login.body.csrfToken);
    expect((await agent.get('/api/auth/me')).status).toBe(401);
  });

  it('rate limits sign-in attempts and audits the failures', async () => {
    const attempt = () =>
      request(fixture.app)
        .post('/api/auth/login')
        .send({ email: 'viewer@example.com', password: 'wrong password!' });
    const statuses = [];
    for (let i = 0; i < 7; i++) statuses.push((await attempt()).status);
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses.slice(5)).toEqual([429, 429]);
    const limited = await attempt();
    expect(limited.body.error.code).toBe('too_many_login_attempts');
    expect((await auditActions(fixture)).filter((action) => action === 'auth.login_failed')).toHaveLength(5);
  });

  it('stores passwords as argon2id and tokens as SHA-256 hashes only', async () => {
    const { rows } = await fixture.test.hub.store.db.query<{ password_hash: string }>(
      'SELECT password_hash FROM users',
    );
    for (const row of rows) expect(row.password_hash).toMatch(/^\$argon2id\$/);
    const tokens = await fixture.test.hub.store.db.query<{ token_hash: string }>(
      'SELECT token_hash FROM api_tokens',
    );
    const stored = tokens.rows.map((row) => row.token_hash).join(' ');
    for (const token of Object.values(fixture.tokens)) expect(stored).not.toContain(token);
    for (const row of tokens.rows) expect(row.token_hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('audits token use, configuration changes and replays', async () => {
    const db = fixture.test.hub.store.db;
    const failureId = await recordFailure(db, {
      connectionId: 'crm',
      stream: 'customers',
      direction: 'in',
      externalId: 'A1',
      rawPayload: { id: 'A1', seq: 1, name: 'Audit Ltd' },
      error: new HubError('invalid_data', 'missing_name', 'name is required', { fieldPath: 'name' }),
    });
    const replay = await request(fixture.app)
      .post(`/api/failures/${failureId}/replay`)
      .set(bearer(fixture.tokens.operator));
    expect(replay.status).toBe(200);
    const schedule = await request(fixture.app)
      .put('/api/connections/crm/schedules/customers')
      .set(bearer(fixture.tokens.admin))
      .send({ cron: '*/5 * * * *' });
    expect(schedule.status).toBe(200);
    const { rows } = await db.query<{ action: string; actor: string; target: string | null }>(
      'SELECT action, actor, target FROM audit_log ORDER BY id',
    );
    expect(rows).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          action: 'failure.replay',
          actor: 'operator@example.com',
          target: failureId,
        }),
        expect.objectContaining({
          action: 'schedule.save',
          actor: 'admin@example.com',
          target: 'crm customers',
        }),
        expect.objectContaining({ action: 'token.use', actor: 'operator@example.com' }),
      ]),
    );
    const audit = await request(fixture.app)
      .get('/api/audit?action=failure.')
      .set(bearer(fixture.tokens.admin));
    expect(audit.body.items.map((entry: { action: string }) => entry.action)).toContain('failure.replay');
  });

  it('refuses a schedule or a run for a stream the connection cannot read, naming both', async () => {
    const schedule = await request(fixture.app)
      .put('/api/connections/crm/schedules/invoices')
      .set(bearer(fixture.tokens.admin))
      .send({ cron: '*/5 * * * *' });
    const run = await request(fixture.app)
      .post('/api/connections/crm/streams/invoices/sync')
      .set(bearer(fixture.tokens.admin))
      .send({});
    for (const response of [schedule, run]) {
      expect(response.status).toBe(404);
      expect(response.body.error).toMatchObject({ code: 'unknown_stream' });
      expect(response.body.error.message).toContain('connection crm has no readable stream "invoices"');
    }
    const saved = await request(fixture.app).get('/api/schedules').set(bearer(fixture.tokens.admin));
    expect(saved.body.items.map((item: { stream: string }) => item.stream)).not.toContain('invoices');
  });

  it('sends helmet headers', async () => {
    const response = await request(fixture.app).get('/api/auth/status');
    expect(response.headers['content-security-policy']).toContain("default-src 'self'");
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(response.body).toEqual({ hasUsers: true, signedIn: false });
  });
});
