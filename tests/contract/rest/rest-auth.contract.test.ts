import nock from 'nock';
import { describe, expect, it, vi } from 'vitest';
import { rest } from '../../../connectors/rest/index.ts';
import { createMemoryState } from '../../../core/connector/index.ts';
import { HubError } from '../../../core/errors/index.ts';
import { api, fixture, ids, makeConfig, makeContext, readAll, useNock } from './harness.ts';

vi.mock('node:dns/promises', async () => (await import('./fake-dns.ts')).fakeDns);

const tokenHost = 'https://auth.supplier.example';
const oauth = {
  type: 'oauth2_client_credentials',
  tokenUrl: `${tokenHost}/oauth/token`,
  clientId: 'hub client',
  clientSecret: 's3cr:t',
  scope: 'suppliers.read',
};
// RFC 6749 §2.3.1: form-urlencode id and secret, then join with ":" and base64-encode.
const clientBasic = `Basic ${Buffer.from('hub%20client:s3cr%3At').toString('base64')}`;
const token = fixture<{ access_token: string }>('oauth-token').access_token;

function tokenEndpoint() {
  return nock(tokenHost)
    .post('/oauth/token', 'grant_type=client_credentials&scope=suppliers.read')
    .matchHeader('authorization', clientBasic)
    .matchHeader('content-type', 'application/x-www-form-urlencoded');
}

function suppliersWith(header: string, value: string, times = 1) {
  return nock(api)
    .get('/v1/suppliers')
    .matchHeader(header, value)
    .times(times)
    .reply(200, fixture('suppliers-page-3'));
}

describe('REST auth', () => {
  useNock();

  it('sends a bearer token', async () => {
    suppliersWith('authorization', 'Bearer portal-token');
    expect(ids(await readAll(makeConfig(), 'suppliers'))).toEqual([['SUP-005']]);
    expect(nock.pendingMocks()).toEqual([]);
  });

  it('sends basic credentials', async () => {
    suppliersWith('authorization', `Basic ${Buffer.from('hub:pa ss').toString('base64')}`);
    await readAll(makeConfig({ auth: { type: 'basic', username: 'hub', password: 'pa ss' } }), 'suppliers');
    expect(nock.pendingMocks()).toEqual([]);
  });

  it('sends an API key in the configured header', async () => {
    suppliersWith('api-token', 'k-123');
    await readAll(makeConfig({ auth: { type: 'api_key', header: 'Api-Token', key: 'k-123' } }), 'suppliers');
    expect(nock.pendingMocks()).toEqual([]);
  });

  it('fetches an OAuth 2.0 client-credentials token once and reuses it from the connection state', async () => {
    tokenEndpoint().once().reply(200, fixture('oauth-token'));
    suppliersWith('authorization', `Bearer ${token}`, 3);
    const state = createMemoryState();
    const config = makeConfig({ auth: oauth });
    // Three workers at once: the lock lets one fetch the token, the others read it.
    await Promise.all([1, 2, 3].map(() => readAll(config, 'suppliers', { state })));
    expect(await state.get('rest.oauth2.token')).toMatchObject({
      accessToken: token,
      expiresAt: expect.any(Number),
    });
    expect(nock.pendingMocks()).toEqual([]);
  });

  it('renews an expired token, and a token the API refuses, once', async () => {
    const state = createMemoryState();
    const config = makeConfig({ auth: oauth });
    tokenEndpoint().reply(200, fixture('oauth-token'));
    suppliersWith('authorization', `Bearer ${token}`);
    await readAll(config, 'suppliers', { state });
    const stored = (await state.get<{ accessToken: string; expiresAt: number; client: string }>(
      'rest.oauth2.token',
    ))!;
    await state.set('rest.oauth2.token', { ...stored, expiresAt: Date.now() + 30_000 });

    tokenEndpoint().reply(200, { access_token: 'second', token_type: 'bearer', expires_in: 600 });
    nock(api)
      .get('/v1/suppliers')
      .matchHeader('authorization', 'Bearer second')
      .reply(401, { message: 'token revoked' });
    tokenEndpoint().reply(200, { access_token: 'third', token_type: 'Bearer' });
    suppliersWith('authorization', 'Bearer third');
    expect(ids(await readAll(config, 'suppliers', { state }))).toEqual([['SUP-005']]);
    expect(nock.pendingMocks()).toEqual([]);
  });

  it('sends the client id and secret in the body when configured', async () => {
    nock(tokenHost, { badheaders: ['authorization'] })
      .post('/oauth/token', 'grant_type=client_credentials&client_id=hub+client&client_secret=s3cr%3At')
      .reply(200, fixture('oauth-token'));
    suppliersWith('authorization', `Bearer ${token}`);
    await readAll(
      makeConfig({ auth: { ...oauth, scope: undefined, clientAuthentication: 'body' } }),
      'suppliers',
    );
    expect(nock.pendingMocks()).toEqual([]);
  });

  it('reports a refused client as an auth error, without retrying', async () => {
    tokenEndpoint().once().reply(401, fixture('oauth-error-invalid-client'));
    const error = await readAll(makeConfig({ auth: oauth }), 'suppliers').catch((caught) => caught);
    expect(error).toBeInstanceOf(HubError);
    expect(error).toMatchObject({
      kind: 'auth',
      code: 'oauth_invalid_client',
      message:
        'OAuth 2.0 token request: the token endpoint refused the client (invalid_client: Client authentication failed)',
    });
    expect(nock.pendingMocks()).toEqual([]);
  });

  it('check() says in plain words what works and what does not', async () => {
    tokenEndpoint().reply(200, fixture('oauth-token'));
    nock(api).get('/v1/suppliers').reply(200, fixture('suppliers-page-1'));
    nock(api).get('/v1/orders').reply(403, { message: 'scope orders.read required' });
    const config = makeConfig({
      auth: oauth,
      streams: [
        { name: 'suppliers', entity: 'supplier', path: '/v1/suppliers', recordPath: 'data' },
        { name: 'orders', entity: 'purchase_order', path: '/v1/orders', recordPath: 'data' },
      ],
    });
    const result = await rest.check(makeContext(config));
    expect(result).toEqual({
      ok: false,
      checks: [
        { name: 'address', ok: true, message: 'https://api.supplier.example may be called from the hub' },
        {
          name: 'sign-in',
          ok: true,
          message: `signed in at ${tokenHost}/oauth/token with client hub client`,
        },
        {
          name: 'stream suppliers',
          ok: true,
          message: 'GET /v1/suppliers answered with 2 record(s) on the first page',
        },
        {
          name: 'stream orders',
          ok: false,
          message:
            'GET /v1/orders: the server refused the credentials (HTTP 403): scope orders.read required',
        },
      ],
    });
    expect(nock.pendingMocks()).toEqual([]);
  });
});
