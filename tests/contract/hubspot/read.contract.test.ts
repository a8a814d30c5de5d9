import nock from 'nock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { hubspot } from '../../../connectors/hubspot/index.ts';
import { companies, deals } from '../../../connectors/hubspot/streams/crm-object.ts';
import { createMemoryState } from '../../../core/connector/index.ts';
import { redact } from '../../../core/log/index.ts';
import {
  accountDetails,
  api,
  collect,
  fixture,
  idsOf,
  makeConfig,
  makeContext,
  noArchived,
  oauthAuth,
  searchBody,
  tokenEndpoint,
  tokenEndpointFor,
} from './harness.ts';

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());

const companySearch = '/crm/v3/objects/companies/search';
const at = (iso: string) => Date.parse(iso);

type Company = ReturnType<typeof company>;
interface SearchRequest {
  filterGroups: Array<{ filters: Array<{ value: string }> }>;
  limit: number;
  after?: string;
}

function company(id: string, modified: string) {
  return { id, properties: { hs_lastmodifieddate: modified, name: `Company ${id}`, hs_object_id: id } };
}

/** A search endpoint over the companies as they are when each request comes in, with its 10,000 ceiling. */
function serveSearch(current: () => Company[]): SearchRequest[] {
  const requests: SearchRequest[] = [];
  noArchived('companies');
  api()
    .persist()
    .post(companySearch, (body: SearchRequest) => Boolean(requests.push(body)))
    .reply(() => {
      const request = requests[requests.length - 1];
      const since = request.filterGroups[0]?.filters[0].value;
      const modified = (item: Company) => at(item.properties.hs_lastmodifieddate);
      const matching = current()
        .filter((item) => since === undefined || modified(item) >= Number(since))
        .sort((left, right) => modified(left) - modified(right));
      const offset = Number(request.after ?? 0);
      const end = offset + request.limit;
      if (end > 10_000) return [400, { status: 'error', category: 'VALIDATION_ERROR', message: 'too far' }];
      const paging = end < matching.length ? { paging: { next: { after: String(end) } } } : {};
      return [200, { total: matching.length, results: matching.slice(offset, end), ...paging }];
    });
  return requests;
}

describe('HubSpot reads', () => {
  it('searches changed companies oldest first from the overlap before the cursor, each page from the newest time seen, and keeps the ids seen in the overlap', async () => {
    const ctx = makeContext(makeConfig());
    const since = at('2024-05-01T09:00:00.000Z');
    api()
      .post(companySearch, searchBody('hs_lastmodifieddate', companies.properties, since - 60_000, 200))
      .reply(200, fixture('companies-search-1'));
    api()
      .post(
        companySearch,
        searchBody('hs_lastmodifieddate', companies.properties, at('2024-05-01T10:05:00.000Z'), 200),
      )
      .reply(200, fixture('companies-search-2'));
    noArchived('companies');
    const pages = await collect(hubspot.read(ctx, 'companies', { since, seen: [] }));
    expect(idsOf(pages)).toEqual(['5001', '5002', '5003']);
    const newest = at('2024-05-01T10:05:00.000Z');
    expect(pages.at(-1)?.cursor).toEqual({
      since: newest,
      seen: [`5002@${newest}`, `5003@${newest}`],
      archived: { since: expect.any(Number), seen: [] },
    });
    expect(nock.pendingMocks()).toEqual([]);
  });

  it('reads an object edited between two page requests, and every other one, exactly once', async () => {
    const ctx = makeContext(makeConfig({ pageSize: 2 }));
    const before = [
      company('A', '2024-05-01T10:00:00.000Z'),
      company('B', '2024-05-01T10:01:00.000Z'),
      company('C', '2024-05-01T10:02:00.000Z'),
      company('D', '2024-05-01T10:03:00.000Z'),
    ];
    const afterEdit = [...before.slice(1), company('A', '2024-05-01T10:05:00.000Z')];
    const requests = serveSearch(() => (requests.length < 2 ? before : afterEdit));
    const pages = await collect(hubspot.read(ctx, 'companies', null));
    expect(idsOf(pages)).toEqual(['A', 'B', 'C', 'D', 'A']);
    const newest = at('2024-05-01T10:05:00.000Z');
    expect(pages.at(-1)?.cursor).toEqual({
      since: newest,
      seen: [`A@${newest}`],
      archived: { since: expect.any(Number), seen: [] },
    });
  });

  it('reads an object that reached the search index after a newer one, and nothing twice', async () => {
    const ctx = makeContext(makeConfig());
    const late = company('B', '2024-05-01T10:00:01.000Z');
    let indexed = [company('A', '2024-05-01T10:00:05.000Z')];
    const requests = serveSearch(() => indexed);
    const first = await collect(
      hubspot.read(ctx, 'companies', { since: at('2024-05-01T09:00:00.000Z'), seen: [] }),
    );
    expect(idsOf(first)).toEqual(['A']);
    indexed = [late, ...indexed];
    const second = await collect(hubspot.read(ctx, 'companies', first.at(-1)!.cursor));
    expect(idsOf(second)).toEqual(['B']);
    expect(requests.at(-1)?.filterGroups[0]?.filters[0]?.value).toBe(
      String(at('2024-05-01T10:00:05.000Z') - 60_000),
    );
    const third = await collect(hubspot.read(ctx, 'companies', second.at(-1)!.cursor));
    expect(idsOf(third)).toEqual([]);
  });

  it('takes up a cursor stored before the overlap window without reading its objects again', async () => {
    const ctx = makeContext(makeConfig());
    const since = at('2024-05-01T10:00:05.000Z');
    serveSearch(() => [company('A', '2024-05-01T10:00:05.000Z'), company('C', '2024-05-01T10:00:06.000Z')]);
    const pages = await collect(hubspot.read(ctx, 'companies', { since, idsAtSince: ['A'] }));
    expect(idsOf(pages)).toEqual(['C']);
  });

  it('reads far more than 10,000 changes without reaching the search ceiling', async () => {
    const ctx = makeContext(makeConfig());
    const start = at('2024-05-01T00:00:00.000Z');
    const all = Array.from({ length: 10_050 }, (_, index) =>
      company(String(100_000 + index), new Date(start + Math.floor(index / 10) * 1000).toISOString()),
    );
    const requests = serveSearch(() => all);
    const pages = await collect(hubspot.read(ctx, 'companies', { since: start, seen: [] }));
    const ids = idsOf(pages);
    expect(ids).toHaveLength(10_050);
    expect(new Set(ids).size).toBe(10_050);
    expect(requests.every((request) => request.after === undefined)).toBe(true);
    expect(pages.at(-1)?.cursor).toMatchObject({ since: start + 1004 * 1000 });
  });

  it('steps over a page of objects that share one time, and stops when more than 10,000 do', async () => {
    const ctx = makeContext(makeConfig({ pageSize: 2 }));
    const sameTime = ['E', 'F', 'G', 'H', 'I'].map((id) => company(id, '2024-05-01T10:00:00.000Z'));
    serveSearch(() => [...sameTime, company('J', '2024-05-01T10:01:00.000Z')]);
    const pages = await collect(hubspot.read(ctx, 'companies', null));
    expect(idsOf(pages)).toEqual(['E', 'F', 'G', 'H', 'I', 'J']);
    nock.cleanAll();

    const crowd = Array.from({ length: 10_001 }, (_, index) =>
      company(String(index), '2024-05-01T10:00:00.000Z'),
    );
    serveSearch(() => crowd);
    await expect(collect(hubspot.read(makeContext(makeConfig()), 'companies', null))).rejects.toMatchObject({
      code: 'search_window_stuck',
    });
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
    accountDetails();
    noArchived('deals');
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

  it('follows each deal’s own paging of line item links', async () => {
    const ctx = makeContext(makeConfig());
    const link = (id: number) => ({
      toObjectId: id,
      associationTypes: [{ category: 'HUBSPOT_DEFINED', typeId: 19 }],
    });
    api().post('/crm/v3/objects/deals/search').reply(200, fixture('deals-search'));
    api()
      .post('/crm/v4/associations/deals/companies/batch/read')
      .reply(200, fixture('deal-company-associations'));
    api()
      .post('/crm/v4/associations/deals/line_items/batch/read', { inputs: [{ id: '9001' }, { id: '9002' }] })
      .reply(200, {
        status: 'COMPLETE',
        results: [
          { from: { id: '9001' }, to: [link(7001), link(7002)], paging: { next: { after: 'MjA=' } } },
        ],
      });
    api()
      .post('/crm/v4/associations/deals/line_items/batch/read', { inputs: [{ id: '9001', after: 'MjA=' }] })
      .reply(200, { status: 'COMPLETE', results: [{ from: { id: '9001' }, to: [link(7003)] }] });
    api()
      .post('/crm/v3/objects/line_items/batch/read', {
        properties: deals.lineItemProperties,
        inputs: [{ id: '7001' }, { id: '7002' }, { id: '7003' }],
      })
      .reply(200, {
        status: 'COMPLETE',
        results: ['7001', '7002', '7003'].map((id) => ({ id, properties: { quantity: '1' } })),
      });
    accountDetails();
    noArchived('deals');
    const [page] = await collect(hubspot.read(ctx, 'deals', null));
    const [first] = page.records as Array<{ line_items: Array<{ id: string }> }>;
    expect(first.line_items.map((line) => line.id)).toEqual(['7001', '7002', '7003']);
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
    noArchived('contacts');
    expect(await collect(hubspot.read(ctx, 'contacts', null))).toEqual([
      { records: [], cursor: null },
      { records: [], deleted: [], cursor: null },
    ]);
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
    noArchived('companies', 'CJSP5qf1-second');
    await collect(hubspot.read(ctx, 'companies', null));
    expect(await ctx.state.get('hubspot.token')).toMatchObject({ accessToken: 'CJSP5qf1-second' });
    expect(nock.pendingMocks()).toEqual([]);
  });

  it('reuses the cached access token while the grant is unchanged, the refresh token masked in logs', async () => {
    const state = createMemoryState();
    tokenEndpoint().reply(200, fixture('token'));
    api('CJSP5qf1KhICAQEYs-gDIIGOBii1').post(companySearch).times(2).reply(200, { total: 0, results: [] });
    noArchived('companies', 'CJSP5qf1KhICAQEYs-gDIIGOBii1');
    await collect(hubspot.read(makeContext(makeConfig({ auth: oauthAuth }), state), 'companies', null));
    await collect(hubspot.read(makeContext(makeConfig({ auth: oauthAuth }), state), 'companies', null));
    expect(redact('refresh failed for na1-rotated-refresh')).toBe('refresh failed for [redacted]');
    expect(nock.pendingMocks()).toEqual([]);
  });

  it('presents the refresh token entered since, not the tokens cached from the old grant', async () => {
    const state = createMemoryState();
    tokenEndpoint().reply(200, fixture('token'));
    api('CJSP5qf1KhICAQEYs-gDIIGOBii1').post(companySearch).reply(200, { total: 0, results: [] });
    noArchived('companies', 'CJSP5qf1KhICAQEYs-gDIIGOBii1');
    await collect(hubspot.read(makeContext(makeConfig({ auth: oauthAuth }), state), 'companies', null));

    const reauthorized = makeConfig({ auth: { ...oauthAuth, refreshToken: 'na1-reauthorized' } });
    tokenEndpointFor('na1-reauthorized').reply(200, {
      ...(fixture('token') as object),
      access_token: 'CJSP5qf1-new',
    });
    api('CJSP5qf1-new').post(companySearch).reply(200, { total: 0, results: [] });
    noArchived('companies', 'CJSP5qf1-new');
    await collect(hubspot.read(makeContext(reauthorized, state), 'companies', null));
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
    noArchived('companies');
    expect(await collect(hubspot.read(ctx, 'companies', null))).toHaveLength(2);
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
