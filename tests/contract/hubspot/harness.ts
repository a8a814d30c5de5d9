import { readFileSync } from 'node:fs';
import nock from 'nock';
import { type HubspotConfig, hubspotConfigSchema } from '../../../connectors/hubspot/config.ts';
import { createMemoryState } from '../../../core/connector/index.ts';
import type { ReadPage } from '../../../core/connector/types.ts';
import { logger } from '../../../core/log/index.ts';

export const baseUrl = 'https://api.hubapi.com';
export const privateToken = 'pat-na1-11111111-2222-3333-4444-555555555555';
export const oauthAuth = {
  type: 'oauth' as const,
  clientId: 'client-id-1',
  clientSecret: 'client-secret-1',
  refreshToken: 'na1-refresh',
};

const fixtures = new URL('../../../connectors/hubspot/__fixtures__/', import.meta.url);

export function fixture(name: string): unknown {
  return JSON.parse(readFileSync(new URL(`${name}.json`, fixtures), 'utf8'));
}

export function makeConfig(overrides: Record<string, unknown> = {}): HubspotConfig {
  return hubspotConfigSchema.parse({
    auth: { type: 'private_app', accessToken: privateToken },
    ...overrides,
  });
}

export function makeContext(config: HubspotConfig, state = createMemoryState()) {
  // No DNS here; nock answers every call.
  return { connectionId: 'hs-1', config, logger, state, allowPrivateNetwork: true };
}

export function api(token = privateToken) {
  return nock(baseUrl, { reqheaders: { authorization: `Bearer ${token}` } });
}

/** The list of archived objects of `objectType`, empty, for every read that asks. */
export function noArchived(objectType: string, token = privateToken) {
  api(token)
    .persist()
    .get(`/crm/v3/objects/${objectType}`)
    .query({ archived: 'true', limit: '100' })
    .reply(200, { results: [] });
}

/** The account details (time zone America/Chicago), once. */
export function accountDetails(timeZone = 'America/Chicago') {
  const details = fixture('account-details') as Record<string, unknown>;
  return api()
    .get('/account-info/v3/details')
    .reply(200, { ...details, timeZone, utcOffset: '-06:00', utcOffsetMilliseconds: -21_600_000 });
}

export function tokenEndpoint() {
  return tokenEndpointFor(oauthAuth.refreshToken);
}

/** The token endpoint, for a refresh that presents `refreshToken`. */
export function tokenEndpointFor(refreshToken: string) {
  return nock(baseUrl).post('/oauth/v1/token', {
    grant_type: 'refresh_token',
    client_id: oauthAuth.clientId,
    client_secret: oauthAuth.clientSecret,
    refresh_token: refreshToken,
  });
}

export function searchBody(
  property: string,
  properties: string[],
  since: number | undefined,
  limit: number,
  after?: string,
) {
  return {
    filterGroups:
      since === undefined
        ? []
        : [{ filters: [{ propertyName: property, operator: 'GTE', value: String(since) }] }],
    sorts: [{ propertyName: property, direction: 'ASCENDING' }],
    properties,
    limit,
    ...(after ? { after } : {}),
  };
}

export async function collect(pages: AsyncIterable<ReadPage>): Promise<ReadPage[]> {
  const all: ReadPage[] = [];
  for await (const page of pages) all.push(page);
  return all;
}

export function idsOf(pages: ReadPage[]): string[] {
  return pages.flatMap((page) => page.records.map((record) => (record as { id: string }).id));
}

/** HubSpot's answer to a batch update of deal 9001 that sent `properties` under `traceId`. */
export function dealUpdated(properties: Record<string, unknown>, traceId: string) {
  return {
    status: 'COMPLETE',
    results: [
      {
        id: '9001',
        properties: { ...properties, hs_lastmodifieddate: '2024-05-02T09:00:00.000Z' },
        createdAt: '2024-04-02T09:00:00.000Z',
        updatedAt: '2024-05-02T09:00:00.000Z',
        archived: false,
        objectWriteTraceId: traceId,
      },
    ],
    startedAt: '2024-05-02T09:00:00.000Z',
    completedAt: '2024-05-02T09:00:00.100Z',
  };
}

/**
 * One batch update of deals, answered for deal 9001 with the properties of its first input; the
 * function returned gives those properties.
 */
export function expectDealUpdate(traceId: string): () => Record<string, string> | undefined {
  let sent: Record<string, string> | undefined;
  api()
    .post(
      '/crm/v3/objects/deals/batch/update',
      (body: { inputs: Array<{ properties: Record<string, string> }> }) => {
        sent = body.inputs[0]?.properties;
        return sent !== undefined;
      },
    )
    .reply(200, () => dealUpdated({ ...sent }, traceId));
  return () => sent;
}
