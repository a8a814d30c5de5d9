import nock from 'nock';
import { describe, expect, it, vi } from 'vitest';
import { rest } from '../../../connectors/rest/index.ts';
import { HubError } from '../../../core/errors/index.ts';
import { fixture, ids, makeConfig, makeContext, readAll, useNock } from './harness.ts';

vi.mock('node:dns/promises', async () => (await import('./fake-dns.ts')).fakeDns);

async function refusal(baseUrl: string, auth?: Record<string, unknown>): Promise<HubError> {
  const error = await readAll(makeConfig({ baseUrl, ...(auth ? { auth } : {}) }), 'suppliers').catch(
    (caught) => caught,
  );
  expect(error).toBeInstanceOf(HubError);
  return error as HubError;
}

describe('REST server-side request forgery guard', () => {
  useNock();

  it.each([
    ['IPv4 loopback', 'http://127.0.0.1:8080', '127.0.0.1'],
    ['IPv6 loopback', 'http://[::1]:8080', '::1'],
    ['a name that resolves to 127.0.0.1', 'https://internal.supplier.example', '127.0.0.1'],
    ['a name with one loopback address among public ones', 'https://mixed.supplier.example', '::1'],
    ['a private range', 'http://10.20.30.40', '10.20.30.40'],
    ['link-local metadata address', 'http://169.254.169.254', '169.254.169.254'],
    ['localhost', 'http://localhost:3000', '127.0.0.1'],
  ])('refuses %s before any request is sent', async (_, baseUrl, address) => {
    const scope = nock(baseUrl).get(/.*/).reply(200, fixture('suppliers-page-3'));
    const error = await refusal(baseUrl);
    expect(error.kind).toBe('config');
    expect(error.code).toBe('private_network_refused');
    expect(error.message).toContain(`(${address})`);
    expect(error.message).toContain('allow private network');
    expect(scope.isDone()).toBe(false);
  });

  it('refuses a token endpoint on a private address too', async () => {
    const auth = {
      type: 'oauth2_client_credentials',
      tokenUrl: 'https://internal.supplier.example/token',
      clientId: 'hub',
      clientSecret: 'secret',
    };
    const error = await refusal('https://api.supplier.example', auth);
    expect(error).toMatchObject({ kind: 'config', code: 'private_network_refused' });
    expect(nock.pendingMocks()).toEqual([]);
  });

  it('does not follow a redirect, which could lead to a private address', async () => {
    nock('https://api.supplier.example')
      .get('/v1/suppliers')
      .reply(302, '', { Location: 'http://127.0.0.1/admin' });
    const error = await refusal('https://api.supplier.example');
    expect(error).toMatchObject({
      kind: 'config',
      code: 'redirect_refused',
      message:
        'GET /v1/suppliers: HTTP 302 redirect to http://127.0.0.1/admin is not followed; use the final address in the configuration',
    });
    expect(nock.pendingMocks()).toEqual([]);
  });

  it('calls loopback and private addresses when the connection allows private networks', async () => {
    nock('http://127.0.0.1:8080').get('/v1/suppliers').reply(200, fixture('suppliers-page-3'));
    nock('http://[::1]:8080').get('/v1/suppliers').reply(200, fixture('suppliers-page-3'));
    nock('https://internal.supplier.example').get('/v1/suppliers').reply(200, fixture('suppliers-page-3'));
    for (const baseUrl of [
      'http://127.0.0.1:8080',
      'http://[::1]:8080',
      'https://internal.supplier.example',
    ]) {
      const pages = await readAll(makeConfig({ baseUrl }), 'suppliers', { allowPrivateNetwork: true });
      expect(ids(pages)).toEqual([['SUP-005']]);
    }
    expect(nock.pendingMocks()).toEqual([]);
  });

  it('check() explains the refusal and how to lift it', async () => {
    const result = await rest.check(
      makeContext(makeConfig({ baseUrl: 'https://internal.supplier.example' })),
    );
    expect(result.ok).toBe(false);
    expect(result.checks).toEqual([
      {
        name: 'address',
        ok: false,
        message:
          'https://internal.supplier.example resolves to a private or loopback address (127.0.0.1); enable "allow private network" on the connection to call it',
      },
    ]);
  });
});
