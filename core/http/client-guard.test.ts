import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { HubError } from '../errors/index.ts';
import { createHttpClient } from './client.ts';

// The base URL passes the up-front check, as a vendor's public name would; what follows (redirect
// hops, the address connected to) must still be checked.
vi.mock('./network-guard.ts', async (original) => ({
  ...(await original<typeof import('./network-guard.ts')>()),
  assertPublicUrl: async () => {},
}));

let internalHits = 0;
const internal = createServer((_req, res) => {
  internalHits += 1;
  res.end(JSON.stringify({ metadata: 'iam-credentials' }));
});
let redirectTo = '';
const vendor = createServer((_req, res) => res.writeHead(302, { location: redirectTo }).end());

const portOf = (server: Server) => (server.address() as AddressInfo).port;
const listen = (server: Server) => new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));

beforeAll(async () => {
  await Promise.all([listen(internal), listen(vendor)]);
});
afterAll(() => {
  for (const server of [internal, vendor]) {
    server.closeAllConnections();
    server.close();
  }
});
beforeEach(() => {
  internalHits = 0;
});

function client(baseURL: string, allowPrivateNetwork = false) {
  return createHttpClient({ baseURL, allowPrivateNetwork, retry: { sleep: async () => {} } });
}

async function refusal(promise: Promise<unknown>): Promise<HubError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(HubError);
  return error as HubError;
}

describe('a client that refuses private networks', () => {
  it.each([
    ['an address literal', () => `http://127.0.0.1:${portOf(internal)}/latest/meta-data`],
    ['a mapped IPv6 literal', () => `http://[::ffff:7f00:1]:${portOf(internal)}/latest/meta-data`],
    ['a name that resolves to loopback', () => `http://localhost:${portOf(internal)}/latest/meta-data`],
  ])('does not follow a redirect to a private address given as %s', async (_, target) => {
    redirectTo = target();
    const error = await refusal(client(`http://127.0.0.1:${portOf(vendor)}`).request({ url: '/api' }));
    expect(error).toMatchObject({ kind: 'config', code: 'private_network_refused' });
    expect(internalHits).toBe(0);
  });

  it('does not connect when the name resolves to a private address at connection time', async () => {
    const error = await refusal(client(`http://localhost:${portOf(internal)}`).request({ url: '/' }));
    expect(error).toMatchObject({ kind: 'config', code: 'private_network_refused' });
    expect(internalHits).toBe(0);
  });
});

it('follows the same redirect when the connection allows private networks', async () => {
  redirectTo = `http://localhost:${portOf(internal)}/latest/meta-data`;
  const answer = await client(`http://127.0.0.1:${portOf(vendor)}`, true).request({ url: '/api' });
  expect(answer).toEqual({ metadata: 'iam-credentials' });
});
