import { createPublicKey, verify } from 'node:crypto';
import nock from 'nock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { salesforce } from '../../../connectors/salesforce/index.ts';
import { createMemoryState } from '../../../core/connector/index.ts';
import { HubError } from '../../../core/errors/index.ts';
import { redact } from '../../../core/log/index.ts';
import {
  api,
  csvFixture,
  data,
  fixture,
  freshToken,
  instanceUrl,
  loginUrl,
  makeConfig,
  makeContext,
  privateKey,
  publicKey,
  refreshAuth,
  staleToken,
  storeSession,
  tokenEndpoint,
  tokenEndpointFor,
} from './harness.ts';

// Opportunities load without a record count first (their line items rule out Bulk API 2.0).
const opportunitySoql = (query: string) =>
  query.startsWith('SELECT Id, SystemModstamp, AccountId,') && query.includes(' FROM Opportunity ');

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());

function firstPage(ctx: ReturnType<typeof makeContext>) {
  return salesforce.read(ctx, 'opportunities', null)[Symbol.asyncIterator]().next();
}

describe('Salesforce sign-in', () => {
  it('gets a session with the refresh token flow and uses it', async () => {
    tokenEndpoint().reply(200, fixture('token-refresh'));
    api()
      .get(`${data}/query`)
      .query((query) => opportunitySoql(String(query.q)))
      .reply(200, fixture('empty-page'));
    const ctx = makeContext(makeConfig());
    const page = await firstPage(ctx);
    expect(page.value?.records).toEqual([]);
    expect(await ctx.state.get('salesforce.session')).toMatchObject({ accessToken: freshToken });
    expect(nock.pendingMocks()).toEqual([]);
  });

  it('renews a session that is about to expire before using it', async () => {
    const ctx = makeContext(makeConfig());
    await storeSession(ctx.state, staleToken, 60_000);
    tokenEndpoint().reply(200, fixture('token-refresh'));
    api().get(`${data}/query`).query(true).reply(200, fixture('empty-page'));
    await firstPage(ctx);
    expect(nock.pendingMocks()).toEqual([]);
  });

  it('renews once on INVALID_SESSION_ID and retries the call transparently', async () => {
    const ctx = makeContext(makeConfig());
    await storeSession(ctx.state, staleToken);
    api(staleToken).get(`${data}/query`).query(true).reply(401, fixture('error-invalid-session'));
    tokenEndpoint().reply(200, fixture('token-refresh'));
    api().get(`${data}/query`).query(true).reply(200, fixture('opportunities-page'));
    api()
      .get('/services/data/v62.0/query/01gHs00000LiNe1IAA-2')
      .reply(200, fixture('opportunity-lines-more'));
    const page = await firstPage(ctx);
    expect(page.value?.records).toHaveLength(2);
    expect(nock.pendingMocks()).toEqual([]);
  });

  it('renews once when a Bulk CSV results call answers 401 INVALID_SESSION_ID in JSON', async () => {
    const ctx = makeContext(makeConfig());
    await storeSession(ctx.state, staleToken);
    const jobPath = `${data}/jobs/query/750Hs00000BuLk1IAA`;
    const loading = {
      records: null,
      deletes: { since: '2024-05-01T00:00:00.000Z', seen: [] },
      bulk: { jobId: '750Hs00000BuLk1IAA', locator: null },
    };
    api(staleToken).get(jobPath).reply(200, fixture('bulk-query-job-complete'));
    api(staleToken)
      .get(`${jobPath}/results`)
      .query(true)
      .reply(401, fixture('error-invalid-session'), { 'Content-Type': 'application/json' });
    tokenEndpoint().reply(200, fixture('token-refresh'));
    api().get(`${jobPath}/results`).query(true).reply(200, csvFixture('bulk-query-results-2'), {
      'Content-Type': 'text/csv',
      'Sforce-Locator': 'null',
    });
    const page = await salesforce.read(ctx, 'accounts', loading)[Symbol.asyncIterator]().next();
    expect(page.value?.records).toHaveLength(1);
    expect(nock.pendingMocks()).toEqual([]);
  });

  it('gives up after one renewal when the new session is refused too', async () => {
    const ctx = makeContext(makeConfig());
    await storeSession(ctx.state, staleToken);
    api(staleToken).get(`${data}/query`).query(true).reply(401, fixture('error-invalid-session'));
    tokenEndpoint().reply(200, fixture('token-refresh'));
    api().get(`${data}/query`).query(true).reply(401, fixture('error-invalid-session'));
    await expect(firstPage(ctx)).rejects.toMatchObject({ kind: 'auth', code: 'invalid_session_id' });
    expect(nock.pendingMocks()).toEqual([]);
  });

  it('lets only one of several workers renew the same connection', async () => {
    const state = createMemoryState();
    tokenEndpoint().reply(200, fixture('token-refresh'));
    api().get(`${data}/query`).query(true).times(3).reply(200, fixture('empty-page'));
    const workers = [1, 2, 3].map(() => firstPage(makeContext(makeConfig(), state)));
    await Promise.all(workers);
    expect(nock.pendingMocks()).toEqual([]);
  });

  it('asks for re-authorization when the refresh token is refused for good', async () => {
    tokenEndpoint().reply(400, fixture('token-invalid-grant'));
    const error = await firstPage(makeContext(makeConfig())).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(HubError);
    expect(error).toMatchObject({ kind: 'auth', code: 'reauthorization_required' });
    expect((error as HubError).retryable).toBe(false);
    expect(nock.pendingMocks()).toEqual([]);
  });

  it('keeps the rotated refresh token for the next renewal, masked in logs', async () => {
    const ctx = makeContext(makeConfig());
    tokenEndpoint().reply(200, { ...(fixture('token-refresh') as object), refresh_token: '5Aep861-rotated' });
    api().get(`${data}/query`).query(true).reply(200, fixture('empty-page'));
    await firstPage(ctx);
    expect(await ctx.state.get('salesforce.refresh_token')).toMatchObject({ token: '5Aep861-rotated' });
    expect(redact('refresh failed for 5Aep861-rotated')).toBe('refresh failed for [redacted]');

    await storeSession(ctx.state, staleToken, 60_000);
    tokenEndpointFor('5Aep861-rotated').reply(200, fixture('token-refresh'));
    api().get(`${data}/query`).query(true).reply(200, fixture('empty-page'));
    await firstPage(ctx);
    expect(nock.pendingMocks()).toEqual([]);
  });

  it('presents the refresh token entered since, not the one rotated from the old grant', async () => {
    const state = createMemoryState();
    tokenEndpoint().reply(200, { ...(fixture('token-refresh') as object), refresh_token: '5Aep861-rotated' });
    api().get(`${data}/query`).query(true).reply(200, fixture('empty-page'));
    await firstPage(makeContext(makeConfig(), state));

    const reauthorized = makeConfig({ auth: { ...refreshAuth, refreshToken: '5Aep861-reauthorized' } });
    tokenEndpointFor('5Aep861-reauthorized').reply(200, fixture('token-refresh'));
    api().get(`${data}/query`).query(true).reply(200, fixture('empty-page'));
    await firstPage(makeContext(reauthorized, state));
    expect(nock.pendingMocks()).toEqual([]);
  });

  it('still presents a rotated refresh token cached before tokens named their grant', async () => {
    const ctx = makeContext(makeConfig());
    await ctx.state.set('salesforce.refresh_token', '5Aep861-rotated-earlier');
    tokenEndpointFor('5Aep861-rotated-earlier').reply(200, fixture('token-refresh'));
    api().get(`${data}/query`).query(true).reply(200, fixture('empty-page'));
    await firstPage(ctx);
    expect(nock.pendingMocks()).toEqual([]);
  });

  it('does not use a session cached for another login URL', async () => {
    const state = createMemoryState();
    await storeSession(state, staleToken, 3_600_000, makeConfig({ loginUrl: 'https://test.salesforce.com' }));
    tokenEndpoint().reply(200, fixture('token-refresh'));
    api().get(`${data}/query`).query(true).reply(200, fixture('empty-page'));
    await firstPage(makeContext(makeConfig(), state));
    expect(nock.pendingMocks()).toEqual([]);
  });

  it('renews a session cached before sessions named their sign-in', async () => {
    const ctx = makeContext(makeConfig());
    await ctx.state.set('salesforce.session', {
      accessToken: staleToken,
      instanceUrl,
      expiresAt: Date.now() + 3_600_000,
    });
    tokenEndpoint().reply(200, fixture('token-refresh'));
    api().get(`${data}/query`).query(true).reply(200, fixture('empty-page'));
    await firstPage(ctx);
    expect(nock.pendingMocks()).toEqual([]);
  });

  it('signs in with the JWT bearer flow, the assertion signed RS256 with the configured key', async () => {
    const auth = {
      type: 'jwt_bearer',
      clientId: '3MVG9-connected-app',
      username: 'integration@acme.example',
      privateKey,
    };
    let claims: Record<string, unknown> = {};
    nock(loginUrl)
      .post('/services/oauth2/token', (body: Record<string, string>) => {
        const [header, payload, signature] = body.assertion.split('.');
        const signed = verify(
          'RSA-SHA256',
          Buffer.from(`${header}.${payload}`),
          createPublicKey(publicKey),
          Buffer.from(signature, 'base64url'),
        );
        claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
        return (
          signed &&
          Object.keys(body).length === 2 &&
          body.grant_type === 'urn:ietf:params:oauth:grant-type:jwt-bearer' &&
          JSON.parse(Buffer.from(header, 'base64url').toString('utf8')).alg === 'RS256'
        );
      })
      .reply(200, fixture('token-jwt'));
    api('00DHs000000abcd!AQ4AQJwt').get(`${data}/query`).query(true).reply(200, fixture('empty-page'));
    await firstPage(makeContext(makeConfig({ auth })));
    expect(claims).toMatchObject({
      iss: '3MVG9-connected-app',
      sub: 'integration@acme.example',
      aud: 'https://login.salesforce.com',
    });
    expect(Number(claims.exp) - Date.now() / 1000).toBeLessThanOrEqual(180);
    expect(nock.pendingMocks()).toEqual([]);
  });

  it('reports a sign-in failure in plain words from check()', async () => {
    tokenEndpoint().reply(400, fixture('token-invalid-grant'));
    const result = await salesforce.check(makeContext(makeConfig()));
    expect(result.ok).toBe(false);
    expect(result.checks).toEqual([
      {
        name: 'auth',
        ok: false,
        message: expect.stringMatching(
          /refused the credentials \(expired access\/refresh token\).*authorized again/,
        ),
      },
    ]);
    expect(nock.pendingMocks()).toEqual([]);
  });
});
