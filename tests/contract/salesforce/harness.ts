import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import nock from 'nock';
import { cacheSession } from '../../../connectors/salesforce/auth.ts';
import { type SalesforceConfig, salesforceConfigSchema } from '../../../connectors/salesforce/config.ts';
import { type ConnectionState, createMemoryState } from '../../../core/connector/index.ts';
import type { ReadPage } from '../../../core/connector/types.ts';
import { logger } from '../../../core/log/index.ts';

export const loginUrl = 'https://login.salesforce.com';
export const instanceUrl = 'https://acme.my.salesforce.com';
export const data = '/services/data/v62.0';
export const freshToken = '00DHs000000abcd!AQ4AQFresh';
export const staleToken = '00DHs000000abcd!AQ4AQStale';

const fixtures = new URL('../../../connectors/salesforce/__fixtures__/', import.meta.url);

export function fixture(name: string): unknown {
  return JSON.parse(readFileSync(new URL(`${name}.json`, fixtures), 'utf8'));
}

export function csvFixture(name: string): string {
  return readFileSync(new URL(`${name}.csv`, fixtures), 'utf8');
}

export const refreshAuth = {
  type: 'refresh_token' as const,
  clientId: '3MVG9-connected-app',
  clientSecret: 'app-secret',
  refreshToken: '5Aep861-refresh',
};

export const { privateKey, publicKey } = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  publicKeyEncoding: { type: 'spki', format: 'pem' },
});

export function makeConfig(overrides: Record<string, unknown> = {}): SalesforceConfig {
  return salesforceConfigSchema.parse({ auth: refreshAuth, bulkPollIntervalMs: 0, ...overrides });
}

/** A session that is valid for an hour, as another worker signed in with `config` would have left it. */
export async function storeSession(
  state: ConnectionState,
  accessToken = freshToken,
  expiresInMs = 3_600_000,
  config = makeConfig(),
) {
  await cacheSession({ state, config }, { accessToken, instanceUrl, expiresAt: Date.now() + expiresInMs });
}

export function makeContext(config: SalesforceConfig, state = createMemoryState()) {
  // The hosts are fictional and there is no DNS here; nock answers every call.
  return { connectionId: 'sf-1', config, logger, state, allowPrivateNetwork: true };
}

export function tokenEndpoint() {
  return tokenEndpointFor(refreshAuth.refreshToken);
}

/** The token endpoint, for a renewal that presents `refreshToken`. */
export function tokenEndpointFor(refreshToken: string) {
  return nock(loginUrl).post('/services/oauth2/token', {
    grant_type: 'refresh_token',
    refresh_token: refreshToken,
    client_id: refreshAuth.clientId,
    client_secret: refreshAuth.clientSecret,
  });
}

export function api(token = freshToken) {
  return nock(instanceUrl, { reqheaders: { authorization: `Bearer ${token}` } });
}

export async function collect(pages: AsyncIterable<ReadPage>): Promise<ReadPage[]> {
  const all: ReadPage[] = [];
  for await (const page of pages) all.push(page);
  return all;
}

export function idsOf(pages: ReadPage[]): string[] {
  return pages.flatMap((page) => page.records.map((record) => (record as { Id: string }).Id));
}
