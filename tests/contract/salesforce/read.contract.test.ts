import nock from 'nock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { salesforce } from '../../../connectors/salesforce/index.ts';
import { accounts } from '../../../connectors/salesforce/streams/accounts.ts';
import {
  api,
  collect,
  csvFixture,
  data,
  fixture,
  idsOf,
  makeConfig,
  makeContext,
  storeSession,
} from './harness.ts';

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());

const accountFields = accounts.fields.join(', ');
const changedAccounts = (where: string) =>
  `SELECT ${accountFields} FROM Account${where} ORDER BY SystemModstamp ASC, Id ASC`;
const deletedAccounts = (since: string) =>
  `SELECT Id, SystemModstamp FROM Account WHERE IsDeleted = true AND SystemModstamp >= ${since} ORDER BY SystemModstamp ASC, Id ASC`;
const isDeletedQuery = (query: { q?: unknown }) =>
  String(query.q).startsWith(
    'SELECT Id, SystemModstamp FROM Account WHERE IsDeleted = true AND SystemModstamp >= ',
  );

async function signedIn(overrides: Record<string, unknown> = {}) {
  const ctx = makeContext(makeConfig(overrides));
  await storeSession(ctx.state);
  return ctx;
}

const previousCursor = {
  records: {
    since: '2024-05-01T10:07:30.000Z',
    seen: [
      `001Hs00001BbBbBIAB@${Date.UTC(2024, 4, 1, 10, 5)}`,
      `001Hs00001CcCcCIAC@${Date.UTC(2024, 4, 1, 10, 7, 30)}`,
    ],
  },
  deletes: { since: '2024-05-01T10:10:00.000Z', seen: [] },
  bulk: null,
};

describe('Salesforce reads', () => {
  it('loads every account across nextRecordsUrl pages, then looks for deletions', async () => {
    const ctx = await signedIn();
    api()
      .get(`${data}/query`)
      .query({ q: 'SELECT COUNT() FROM Account' })
      .reply(200, { totalSize: 3, done: true, records: [] });
    api()
      .get(`${data}/query`)
      .query({ q: changedAccounts('') })
      .reply(200, fixture('accounts-page-1'));
    api().get(`${data}/query/01gHs00000XyZ12IAB-2000`).reply(200, fixture('accounts-page-2'));
    api().get(`${data}/queryAll`).query(isDeletedQuery).reply(200, fixture('empty-page'));
    const pages = await collect(salesforce.read(ctx, 'accounts', null));
    expect(idsOf(pages)).toEqual(['001Hs00001AaAaAIAA', '001Hs00001BbBbBIAB', '001Hs00001CcCcCIAC']);
    expect(pages.at(-1)?.cursor).toMatchObject({ records: previousCursor.records, bulk: null });
    expect(nock.pendingMocks()).toEqual([]);
  });

  it('re-reads the overlap window, drops what it saw, keeps updates and late commits, and reports deletions', async () => {
    const ctx = await signedIn();
    api()
      .get(`${data}/query`)
      .query({ q: changedAccounts(' WHERE SystemModstamp >= 2024-05-01T10:02:30Z') })
      .reply(200, fixture('accounts-incremental'));
    api()
      .get(`${data}/queryAll`)
      .query({ q: deletedAccounts('2024-05-01T10:05:00Z') })
      .reply(200, fixture('accounts-deleted'));
    const pages = await collect(salesforce.read(ctx, 'accounts', previousCursor));
    expect(pages[0].records.map((record) => (record as { Name: string }).Name)).toEqual([
      'Delta Tooling',
      'Cobalt Gears Inc.',
    ]);
    expect(pages[1]).toMatchObject({ records: [], deleted: ['001Hs00001EeEeEIAE'] });
    expect(pages[1].cursor).toMatchObject({
      records: { since: '2024-05-01T10:20:00.000Z' },
      deletes: { since: '2024-05-01T10:15:00.000Z' },
    });
    expect(nock.pendingMocks()).toEqual([]);
  });

  it('brings opportunity line items along, following a paged list of children', async () => {
    const ctx = await signedIn();
    api()
      .get(`${data}/query`)
      .query((query) =>
        String(query.q).includes(
          '(SELECT Id, Product2Id, PricebookEntryId, Quantity, UnitPrice, TotalPrice, Discount, ServiceDate, Description FROM OpportunityLineItems) FROM Opportunity ORDER BY SystemModstamp ASC, Id ASC',
        ),
      )
      .reply(200, fixture('opportunities-page'));
    api().get(`${data}/query/01gHs00000LiNe1IAA-2`).reply(200, fixture('opportunity-lines-more'));
    api().get(`${data}/queryAll`).query(true).reply(200, fixture('empty-page'));
    const [page] = await collect(salesforce.read(ctx, 'opportunities', null));
    const [first, second] = page.records as Array<{ OpportunityLineItems: Array<{ Id: string }> }>;
    expect(first.OpportunityLineItems.map((line) => line.Id)).toEqual([
      '00kHs00000Ln001IAA',
      '00kHs00000Ln002IAA',
      '00kHs00000Ln003IAA',
    ]);
    expect(second.OpportunityLineItems).toEqual([]);
    expect(nock.pendingMocks()).toEqual([]);
  });

  it('loads a large object through a Bulk API 2.0 query job, paging results by Sforce-Locator', async () => {
    const ctx = await signedIn();
    api().get(`${data}/query`).query({ q: 'SELECT COUNT() FROM Account' }).reply(200, fixture('count'));
    api()
      .post(`${data}/jobs/query`, { operation: 'query', query: `SELECT ${accountFields} FROM Account` })
      .reply(200, fixture('bulk-query-job'));
    api().get(`${data}/jobs/query/750Hs00000BuLk1IAA`).reply(200, fixture('bulk-query-job-running'));
    api().get(`${data}/jobs/query/750Hs00000BuLk1IAA`).reply(200, fixture('bulk-query-job-complete'));
    const results = `${data}/jobs/query/750Hs00000BuLk1IAA/results`;
    api().get(results).query({ maxRecords: '50000' }).reply(200, csvFixture('bulk-query-results-1'), {
      'Content-Type': 'text/csv',
      'Sforce-Locator': 'MTAwMDA',
      'Sforce-NumberOfRecords': '2',
    });
    api()
      .get(results)
      .query({ maxRecords: '50000', locator: 'MTAwMDA' })
      .reply(200, csvFixture('bulk-query-results-2'), {
        'Content-Type': 'text/csv',
        'Sforce-Locator': 'null',
        'Sforce-NumberOfRecords': '1',
      });
    api()
      .get(`${data}/query`)
      .query({ q: changedAccounts(' WHERE SystemModstamp >= 2024-04-03T09:55:00Z') })
      .reply(200, fixture('empty-page'));
    api().get(`${data}/queryAll`).query(isDeletedQuery).reply(200, fixture('empty-page'));
    const pages = await collect(salesforce.read(ctx, 'accounts', null));
    expect(pages[0]).toMatchObject({
      records: [],
      cursor: { bulk: { jobId: '750Hs00000BuLk1IAA', locator: null } },
    });
    expect(pages[1].cursor).toMatchObject({ bulk: { jobId: '750Hs00000BuLk1IAA', locator: 'MTAwMDA' } });
    expect(idsOf(pages)).toEqual(['001Hs00001AaAaAIAA', '001Hs00001BbBbBIAB', '001Hs00001CcCcCIAC']);
    expect(pages[1].records[1]).toMatchObject({ Name: 'Borg Castings', Phone: null, BillingCity: 'Detroit' });
    expect(nock.pendingMocks()).toEqual([]);
  });

  /** A new Bulk query job for all accounts, its one page of results, and the empty follow-up queries. */
  function mockFreshBulkLoad() {
    api()
      .post(`${data}/jobs/query`, { operation: 'query', query: `SELECT ${accountFields} FROM Account` })
      .reply(200, fixture('bulk-query-job'));
    api().get(`${data}/jobs/query/750Hs00000BuLk1IAA`).reply(200, fixture('bulk-query-job-complete'));
    api()
      .get(`${data}/jobs/query/750Hs00000BuLk1IAA/results`)
      .query({ maxRecords: '50000' })
      .reply(200, csvFixture('bulk-query-results-2'), {
        'Content-Type': 'text/csv',
        'Sforce-Locator': 'null',
      });
    api()
      .get(`${data}/query`)
      .query({ q: changedAccounts(' WHERE SystemModstamp >= 2024-04-03T09:55:00Z') })
      .reply(200, fixture('empty-page'));
    api().get(`${data}/queryAll`).query(isDeletedQuery).reply(200, fixture('empty-page'));
  }
  it.each([
    [
      'failed',
      200,
      { ...(fixture('bulk-query-job-complete') as object), state: 'Failed', errorMessage: 'boom' },
    ],
    ['aborted', 200, { ...(fixture('bulk-query-job-complete') as object), state: 'Aborted' }],
    ['gone', 404, [{ errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' }]],
  ])(
    'replaces a bulk query job that is %s with a new one instead of failing every run',
    async (_, status, body) => {
      const ctx = await signedIn();
      const loading = {
        records: null,
        deletes: { since: '2024-05-01T10:10:00.000Z', seen: [] },
        bulk: { jobId: '750Hs00000LoSt1IAA', locator: null },
      };
      api().get(`${data}/jobs/query/750Hs00000LoSt1IAA`).reply(status, body);
      mockFreshBulkLoad();
      const pages = await collect(salesforce.read(ctx, 'accounts', loading));
      expect(pages[0]).toMatchObject({
        records: [],
        cursor: { bulk: { jobId: '750Hs00000BuLk1IAA', locator: null } },
      });
      expect(idsOf(pages)).toEqual(['001Hs00001CcCcCIAC']);
      expect(pages.at(-1)?.cursor).toMatchObject({
        bulk: null,
        records: { since: '2024-04-03T10:00:00.000Z' },
      });
      expect(nock.pendingMocks()).toEqual([]);
    },
  );

  it('loads everything again when the results of a load cut short have expired, dropping rows the window saw', async () => {
    const ctx = await signedIn();
    const cutShort = {
      records: {
        since: '2024-04-03T10:00:00.000Z',
        seen: [`001Hs00001CcCcCIAC@${Date.UTC(2024, 3, 3, 10)}`],
      },
      deletes: { since: '2024-05-01T10:10:00.000Z', seen: [] },
      bulk: { jobId: '750Hs00000LoSt1IAA', locator: 'MTAwMDA' },
    };
    api().get(`${data}/jobs/query/750Hs00000LoSt1IAA`).reply(200, fixture('bulk-query-job-complete'));
    api()
      .get(`${data}/jobs/query/750Hs00000LoSt1IAA/results`)
      .query({ maxRecords: '50000', locator: 'MTAwMDA' })
      .reply(404, [{ errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' }]);
    mockFreshBulkLoad();
    const pages = await collect(salesforce.read(ctx, 'accounts', cutShort));
    expect(idsOf(pages)).toEqual([]);
    expect(pages.at(-1)?.cursor).toMatchObject({ bulk: null, records: cutShort.records });
    expect(nock.pendingMocks()).toEqual([]);
  });

  describe('when Salesforce dropped the query locator (idle cursor expired or released)', () => {
    const window = {
      records: { since: '2024-05-01T09:00:00.000Z', seen: [] },
      deletes: { since: '2024-05-01T10:10:00.000Z', seen: [] },
      bulk: null,
    };
    const lostLocator = () =>
      api()
        .get(`${data}/query/01gHs00000XyZ12IAB-2000`)
        .reply(400, fixture('error-invalid-query-locator'), { 'Content-Type': 'application/json' });

    it('queries again from the window the pages read so far reached, reading nothing twice', async () => {
      const ctx = await signedIn();
      api()
        .get(`${data}/query`)
        .query({ q: changedAccounts(' WHERE SystemModstamp >= 2024-05-01T08:55:00Z') })
        .reply(200, fixture('accounts-page-1'));
      lostLocator();
      const [, seenAlready] = (fixture('accounts-page-1') as { records: unknown[] }).records;
      const [late] = (fixture('accounts-page-2') as { records: unknown[] }).records;
      api()
        .get(`${data}/query`)
        .query({ q: changedAccounts(' WHERE SystemModstamp >= 2024-05-01T10:00:00Z') })
        .reply(200, { totalSize: 2, done: true, records: [seenAlready, late] });
      api().get(`${data}/queryAll`).query(isDeletedQuery).reply(200, fixture('empty-page'));
      const pages = await collect(salesforce.read(ctx, 'accounts', window));
      expect(idsOf(pages)).toEqual(['001Hs00001AaAaAIAA', '001Hs00001BbBbBIAB', '001Hs00001CcCcCIAC']);
      expect(pages.at(-1)?.cursor).toMatchObject({ records: previousCursor.records });
      expect(nock.pendingMocks()).toEqual([]);
    });

    it('leaves a second loss in one read to the queue to retry, not as a configuration error', async () => {
      const ctx = await signedIn();
      api().get(`${data}/query`).query(true).times(2).reply(200, fixture('accounts-page-1'));
      lostLocator();
      lostLocator();
      const error = await collect(salesforce.read(ctx, 'accounts', window)).catch(
        (caught: unknown) => caught,
      );
      expect(error).toMatchObject({ kind: 'transient', code: 'invalid_query_locator', retryable: true });
      expect(nock.pendingMocks()).toEqual([]);
    });
  });

  it('stops before the daily API allowance runs out, keeping the page it already has', async () => {
    const ctx = await signedIn({ apiUsageCeiling: 0.9 });
    api()
      .get(`${data}/query`)
      .query(true)
      .reply(200, fixture('accounts-page-1'), { 'Sforce-Limit-Info': 'api-usage=4600/5000' });
    const pages = salesforce.read(ctx, 'accounts', previousCursor)[Symbol.asyncIterator]();
    expect((await pages.next()).value?.records).toHaveLength(1);
    await expect(pages.next()).rejects.toMatchObject({
      kind: 'rate_limited',
      code: 'api_quota_reached',
      retryAfterMs: 3_600_000,
    });
    expect(nock.pendingMocks()).toEqual([]);
  });

  it('treats REQUEST_LIMIT_EXCEEDED as rate limited and hands the wait to the queue', async () => {
    const ctx = await signedIn();
    api().get(`${data}/query`).query(true).reply(403, fixture('error-request-limit'));
    const error = await salesforce
      .read(ctx, 'accounts', previousCursor)
      [Symbol.asyncIterator]()
      .next()
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({
      kind: 'rate_limited',
      code: 'request_limit_exceeded',
      retryable: true,
      retryAfterMs: 3_600_000,
    });
    expect(nock.pendingMocks()).toEqual([]);
  });

  // Too many long-running calls at once: the limit frees up within seconds, the daily quota is untouched.
  it('treats a REQUEST_LIMIT_EXCEEDED on concurrent requests as a short rate limit, not the daily quota', async () => {
    const ctx = await signedIn();
    api().get(`${data}/query`).query(true).reply(403, fixture('error-concurrent-request-limit'));
    const error = await salesforce
      .read(ctx, 'accounts', previousCursor)
      [Symbol.asyncIterator]()
      .next()
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({
      kind: 'rate_limited',
      code: 'concurrent_request_limit_exceeded',
      retryable: true,
      retryAfterMs: 30_000,
    });
    expect(nock.pendingMocks()).toEqual([]);
  });
});
