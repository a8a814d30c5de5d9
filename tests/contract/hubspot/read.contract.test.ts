import nock from 'nock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { hubspot } from '../../../connectors/hubspot/index.ts';
import { companies, deals } from '../../../connectors/hubspot/streams/crm-object.ts';
import {
  api,
  collect,
  fixture,
  idsOf,
  makeConfig,
  makeContext,
  oauthAuth,
  searchBody,
  tokenEndpoint,
} from './harness.ts';

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());

const companySearch = '/crm/v3/objects/companies/search';
const at = (iso: string) => Date.parse(iso);

describe('HubSpot reads', () => {
  it('searches changed companies oldest first across pages and keeps the newest time with its ids', async () => {
    const ctx = makeContext(makeConfig());
    const since = at('2024-05-01T09:00:00.000Z');
    api()
      .post(companySearch, searchBody('hs_lastmodifieddate', companies.properties, since, 200))
      .reply(200, fixture('companies-search-1'));
    api()
      .post(companySearch, searchBody('hs_lastmodifieddate', companies.properties, since, 200, '2'))
      .reply(200, fixture('companies-search-2'));
    const pages = await collect(hubspot.read(ctx, 'companies', { since, idsAtSince: [] }));
    expect(idsOf(pages)).toEqual(['5001', '5002', '5003']);
    expect(pages.at(-1)?.cursor).toEqual({
      since: at('2024-05-01T10:05:00.000Z'),
      idsAtSince: ['5002', '5003'],
    });
    expect(nock.pendingMocks()).toEqual([]);
  });

  it('moves the time window before the 10,000-result ceiling and skips ids already read at the boundary', async () => {
    const ctx = makeContext(makeConfig());
    const start = at('2024-05-01T00:00:00.000Z');
    const stamp = (index: number) => new Date(start + Math.floor(index / 10) * 1000).toISOString();
    const company = (index: number) => ({
      id: String(100_000 + index),
      properties: {
        hs_lastmodifieddate: stamp(index),
        name: `Company ${index}`,
        hs_object_id: String(100_000 + index),
      },
      createdAt: stamp(index),
      updatedAt: stamp(index),
      archived: false,
    });
    for (let after = 0; after < 10_000; after += 200) {
      const results = Array.from({ length: 200 }, (_, offset) => company(after + offset));
      api()
        .post(
          companySearch,
          searchBody(
            'hs_lastmodifieddate',
            companies.properties,
            start,
            200,
            after === 0 ? undefined : String(after),
          ),
        )
        .reply(200, {
          total: 10_050,
          results,
          paging: { next: { after: String(after + 200), link: `?after=${after + 200}` } },
        });
    }
    // Index 9999 was modified at second 999, together with 9990..9998: those come back again.
    const boundary = at(stamp(9999));
    const restart = [
      ...Array.from({ length: 10 }, (_, offset) => company(9990 + offset)),
      company(10_000),
      company(10_001),
    ];
    api()
      .post(companySearch, searchBody('hs_lastmodifieddate', companies.properties, boundary, 200))
      .reply(200, { total: 12, results: restart });
    const pages = await collect(hubspot.read(ctx, 'companies', { since: start, idsAtSince: [] }));
    const ids = idsOf(pages);
    expect(ids).toHaveLength(10_002);
    expect(new Set(ids).size).toBe(10_002);
    expect(ids.slice(-2)).toEqual(['110000', '110001']);
    expect(pages.at(-1)?.cursor).toEqual({ since: at(stamp(10_001)), idsAtSince: ['110000', '110001'] });
    expect(nock.pendingMocks()).toEqual([]);
  });

  it('reads deals with their company and line items through associations', async () => {
    const ctx = makeContext(makeConfig());
    api()
      .post(
        '/crm/v3/objects/deals/search',
        searchBody('hs_lastmodifieddate', deals.properties, undefined, 200),
      )
      .reply(200, fixture('deals-search'));
    api()
      .post('/crm/v4/associations/deals/companies/batch/read', { inputs: [{ id: '9001' }, { id: '9002' }] })
      .reply(200, fixture('deal-company-associations'));
    api()
      .post('/crm/v4/associations/deals/line_items/batch/read', { inputs: [{ id: '9001' }, { id: '9002' }] })
      .reply(200, fixture('deal-line-item-associations'));
    api()
      .post('/crm/v3/objects/line_items/batch/read', {
        properties: deals.lineItemProperties,
        inputs: [{ id: '7001' }, { id: '7002' }],
      })
      .reply(200, fixture('line-items-batch-read'));
    const [page] = await collect(hubspot.read(ctx, 'deals', null));
    const [first, second] = page.records as Array<{
      line_items: Array<{ id: string; properties: { quantity: string } }>;
    }>;
    expect(first.line_items.map((line) => [line.id, line.properties.quantity])).toEqual([
      ['7001', '300'],
      ['7002', '200'],
    ]);
    expect(second.line_items).toEqual([]);
    expect(page.records.map((deal) => (deal as { company_id: string }).company_id)).toEqual(['5001', '5002']);
    expect(nock.pendingMocks()).toEqual([]);
  });

  it('uses contacts’ own lastmodifieddate property', async () => {
    const ctx = makeContext(makeConfig());
    api()
      .post(
        '/crm/v3/objects/contacts/search',
        (body: { sorts: Array<{ propertyName: string }> }) =>
          body.sorts[0].propertyName === 'lastmodifieddate',
      )
      .reply(200, { total: 0, results: [] });
    expect(await collect(hubspot.read(ctx, 'contacts', null))).toEqual([{ records: [], cursor: null }]);
    expect(nock.pendingMocks()).toEqual([]);
  });
});

describe('HubSpot sign-in and limits', () => {
  it('refreshes the OAuth token, keeps the rotated refresh token, and renews once on 401', async () => {
    const ctx = makeContext(makeConfig({ auth: oauthAuth }));
    tokenEndpoint().reply(200, fixture('token'));
    api('CJSP5qf1KhICAQEYs-gDIIGOBii1')
      .post(companySearch)
      .reply(401, fixture('error-expired-authentication'));
    nock('https://api.hubapi.com')
      .post('/oauth/v1/token', {
        grant_type: 'refresh_token',
        client_id: oauthAuth.clientId,
        client_secret: oauthAuth.clientSecret,
        refresh_token: 'na1-rotated-refresh',
      })
      .reply(200, { ...(fixture('token') as object), access_token: 'CJSP5qf1-second' });
    api('CJSP5qf1-second').post(companySearch).reply(200, { total: 0, results: [] });
    await collect(hubspot.read(ctx, 'companies', null));
    expect(await ctx.state.get('hubspot.token')).toMatchObject({ accessToken: 'CJSP5qf1-second' });
    expect(nock.pendingMocks()).toEqual([]);
  });

  it('asks for re-authorization when HubSpot refuses the refresh token', async () => {
    tokenEndpoint().reply(400, fixture('error-bad-refresh-token'));
    const error = await collect(
      hubspot.read(makeContext(makeConfig({ auth: oauthAuth })), 'companies', null),
    ).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ kind: 'auth', code: 'reauthorization_required', retryable: false });
    expect(nock.pendingMocks()).toEqual([]);
  });

  it('waits out a short 429 in the request and hands the daily limit to the queue', async () => {
    const ctx = makeContext(makeConfig());
    api().post(companySearch).reply(429, fixture('error-ten-secondly'), {
      'Retry-After': '0',
      'X-HubSpot-RateLimit-Max': '190',
      'X-HubSpot-RateLimit-Remaining': '0',
      'X-HubSpot-RateLimit-Interval-Milliseconds': '10000',
    });
    api().post(companySearch).reply(200, { total: 0, results: [] });
    expect(await collect(hubspot.read(ctx, 'companies', null))).toHaveLength(1);
    api().post(companySearch).reply(429, fixture('error-daily-limit'), {
      'X-HubSpot-RateLimit-Daily': '250000',
      'X-HubSpot-RateLimit-Daily-Remaining': '0',
    });
    await expect(collect(hubspot.read(ctx, 'companies', null))).rejects.toMatchObject({
      kind: 'rate_limited',
      code: 'rate_limited_daily',
      retryAfterMs: 3_600_000,
    });
    expect(nock.pendingMocks()).toEqual([]);
  });

  it('stops before the daily allowance is used up', async () => {
    const ctx = makeContext(makeConfig({ dailyUsageCeiling: 0.9 }));
    api().post(companySearch).reply(200, fixture('companies-search-1'), {
      'X-HubSpot-RateLimit-Daily': '250000',
      'X-HubSpot-RateLimit-Daily-Remaining': '20000',
    });
    const pages = hubspot.read(ctx, 'companies', null)[Symbol.asyncIterator]();
    expect((await pages.next()).value?.records).toHaveLength(2);
    await expect(pages.next()).rejects.toMatchObject({ kind: 'rate_limited', code: 'api_quota_reached' });
    expect(nock.pendingMocks()).toEqual([]);
  });
});
