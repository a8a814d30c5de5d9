import nock from 'nock';
import { describe, expect, it, vi } from 'vitest';
import { HubError } from '../../../core/errors/index.ts';
import { api, fixture, ids, makeConfig, readAll, suppliersStream, useNock } from './harness.ts';

vi.mock('node:dns/promises', async () => (await import('./fake-dns.ts')).fakeDns);

const bearer = 'Bearer portal-token';
const withStream = (overrides: Record<string, unknown>) =>
  makeConfig({ streams: [{ ...suppliersStream, ...overrides }] });
const portal = () => nock(api).matchHeader('authorization', bearer);

describe('REST reads', () => {
  useNock();

  it('pages by page number until a short page', async () => {
    const config = withStream({ pagination: { type: 'page', pageParam: 'page', sizeParam: 'per_page' } });
    portal().get('/v1/suppliers').query({ page: '1', per_page: '2' }).reply(200, fixture('suppliers-page-1'));
    portal().get('/v1/suppliers').query({ page: '2', per_page: '2' }).reply(200, fixture('suppliers-page-2'));
    portal().get('/v1/suppliers').query({ page: '3', per_page: '2' }).reply(200, fixture('suppliers-page-3'));
    const pages = await readAll(config, 'suppliers');
    expect(ids(pages)).toEqual([['SUP-001', 'SUP-002'], ['SUP-003', 'SUP-004'], ['SUP-005']]);
    expect(pages.map((page) => page.cursor)).toEqual([{ next: { page: 2 } }, { next: { page: 3 } }, {}]);
    expect(nock.pendingMocks()).toEqual([]);
  });

  it('pages by offset and limit, ending on an empty page', async () => {
    const config = withStream({ pagination: { type: 'offset', offsetParam: 'skip', limitParam: 'take' } });
    const { data } = fixture<{ data: unknown[] }>('suppliers-page-1');
    const more = fixture<{ data: unknown[] }>('suppliers-page-2').data;
    portal().get('/v1/suppliers').query({ skip: '0', take: '2' }).reply(200, { data });
    portal().get('/v1/suppliers').query({ skip: '2', take: '2' }).reply(200, { data: more });
    portal().get('/v1/suppliers').query({ skip: '4', take: '2' }).reply(200, { data: [] });
    expect(ids(await readAll(config, 'suppliers'))).toEqual([
      ['SUP-001', 'SUP-002'],
      ['SUP-003', 'SUP-004'],
      [],
    ]);
    expect(nock.pendingMocks()).toEqual([]);
  });

  it('follows a next cursor from the body until it is null', async () => {
    const config = makeConfig({
      streams: [
        {
          name: 'purchase_orders',
          entity: 'purchase_order',
          path: '/v1/purchase-orders',
          recordPath: 'data',
          query: { status: 'open' },
          pagination: {
            type: 'cursor',
            cursorPath: 'meta.next_cursor',
            cursorParam: 'after',
            sizeParam: 'limit',
          },
          pageSize: 1,
        },
      ],
    });
    const path = '/v1/purchase-orders';
    portal().get(path).query({ status: 'open', limit: '1' }).reply(200, fixture('orders-cursor-1'));
    portal()
      .get(path)
      .query({ status: 'open', limit: '1', after: 'eyJpZCI6IlBPLTEwMDEifQ' })
      .reply(200, fixture('orders-cursor-2'));
    portal()
      .get(path)
      .query({ status: 'open', limit: '1', after: 'eyJpZCI6IlBPLTEwMDIifQ' })
      .reply(200, fixture('orders-cursor-3'));
    expect(ids(await readAll(config, 'purchase_orders'))).toEqual([['PO-1001'], ['PO-1002'], ['PO-1003']]);
    expect(nock.pendingMocks()).toEqual([]);
  });

  it('follows Link rel="next" headers on the same origin', async () => {
    const config = withStream({ recordPath: undefined, pagination: { type: 'link', sizeParam: 'per_page' } });
    const [a, b] = fixture<{ data: unknown[] }>('suppliers-page-1').data;
    const [c] = fixture<{ data: unknown[] }>('suppliers-page-2').data;
    const link = (next: string) =>
      `<${api}/v1/suppliers?per_page=2&since_id=${next}>; rel="next", <${api}/v1/suppliers?per_page=2>; rel="first"`;
    portal()
      .get('/v1/suppliers')
      .query({ per_page: '2' })
      .reply(200, [a], { Link: link('SUP-001') });
    portal()
      .get('/v1/suppliers')
      .query({ per_page: '2', since_id: 'SUP-001' })
      .reply(200, [b], { Link: link('SUP-002') });
    portal()
      .get('/v1/suppliers')
      .query({ per_page: '2', since_id: 'SUP-002' })
      .reply(200, [c], { Link: `<${api}/v1/suppliers?per_page=2>; rel="first"` });
    const pages = await readAll(config, 'suppliers');
    expect(ids(pages)).toEqual([['SUP-001'], ['SUP-002'], ['SUP-003']]);
    expect(pages[0].cursor).toEqual({ next: { url: `${api}/v1/suppliers?per_page=2&since_id=SUP-001` } });
    expect(nock.pendingMocks()).toEqual([]);
  });

  it('refuses a next link to another origin', async () => {
    const config = withStream({ recordPath: undefined, pagination: { type: 'link' } });
    portal()
      .get('/v1/suppliers')
      .reply(200, [], { Link: '<https://cdn.supplier.example/v1/suppliers?page=2>; rel="next"' });
    const error = await readAll(config, 'suppliers').catch((caught) => caught);
    expect(error).toMatchObject({ kind: 'config', code: 'foreign_origin' });
    expect(nock.pendingMocks()).toEqual([]);
  });

  it('resolves a relative next link against the page that sent it, not the base URL', async () => {
    const config = makeConfig({
      baseUrl: `${api}/api`,
      streams: [{ ...suppliersStream, recordPath: undefined, pagination: { type: 'link' } }],
    });
    portal()
      .get('/api/v1/suppliers')
      .reply(200, [{ id: 'A' }], { Link: '</api/v1/suppliers?page=2>; rel="next"' });
    portal()
      .get('/api/v1/suppliers')
      .query({ page: '2' })
      .reply(200, [{ id: 'B' }], { Link: '<?page=3>; rel="next"' });
    portal()
      .get('/api/v1/suppliers')
      .query({ page: '3' })
      .reply(200, [{ id: 'C' }]);
    const pages = await readAll(config, 'suppliers');
    expect(ids(pages)).toEqual([['A'], ['B'], ['C']]);
    expect(pages[0].cursor).toEqual({ next: { url: `${api}/api/v1/suppliers?page=2` } });
    expect(nock.pendingMocks()).toEqual([]);
  });

  it('refuses a relative next link that resolves to another origin', async () => {
    const config = withStream({ recordPath: undefined, pagination: { type: 'link' } });
    portal()
      .get('/v1/suppliers')
      .reply(200, [], { Link: '<//cdn.supplier.example/v1/suppliers?page=2>; rel="next"' });
    const error = await readAll(config, 'suppliers').catch((caught) => caught);
    expect(error).toMatchObject({ kind: 'config', code: 'foreign_origin' });
  });

  it('sends the incremental parameter and moves it to the highest value only after the last page', async () => {
    const config = withStream({
      pagination: { type: 'page', sizeParam: 'per_page' },
      incremental: { field: 'updated_at', param: 'updated_since' },
    });
    const since = '2025-01-09T00:00:00Z';
    const query = (page: string) => ({ updated_since: since, page, per_page: '2' });
    portal().get('/v1/suppliers').query(query('1')).reply(200, fixture('suppliers-page-1'));
    portal().get('/v1/suppliers').query(query('2')).reply(200, fixture('suppliers-page-2'));
    portal().get('/v1/suppliers').query(query('3')).reply(200, fixture('suppliers-page-3'));
    const pages = await readAll(config, 'suppliers', { cursor: { since } });
    expect(pages.map((page) => page.cursor)).toEqual([
      { since, high: '2025-01-12T09:30:00Z', next: { page: 2 } },
      { since, high: '2025-01-15T16:45:00Z', next: { page: 3 } },
      { since: '2025-01-15T16:45:00Z' },
    ]);
    expect(nock.pendingMocks()).toEqual([]);

    // A run interrupted after page 1 resumes at page 2 with the same filter.
    portal().get('/v1/suppliers').query(query('2')).reply(200, fixture('suppliers-page-2'));
    portal().get('/v1/suppliers').query(query('3')).reply(200, fixture('suppliers-page-3'));
    const resumed = await readAll(config, 'suppliers', { cursor: pages[0].cursor });
    expect(resumed.at(-1)?.cursor).toEqual({ since: '2025-01-15T16:45:00Z' });
    expect(nock.pendingMocks()).toEqual([]);
  });

  it('says where it looked when the record path is wrong', async () => {
    portal().get('/v1/suppliers').reply(200, { items: [] });
    const error = await readAll(makeConfig(), 'suppliers').catch((caught) => caught);
    expect(error).toMatchObject({
      kind: 'config',
      code: 'record_path',
      message: 'GET /v1/suppliers: expected the list of records at "data", found nothing; check recordPath',
    });
    expect(nock.pendingMocks()).toEqual([]);
  });

  it('retries 5xx and a short 429 Retry-After inside the request', async () => {
    portal().get('/v1/suppliers').reply(503, 'upstream unavailable');
    portal().get('/v1/suppliers').reply(429, { message: 'slow down' }, { 'Retry-After': '0' });
    portal().get('/v1/suppliers').reply(200, fixture('suppliers-page-3'));
    expect(ids(await readAll(makeConfig(), 'suppliers'))).toEqual([['SUP-005']]);
    expect(nock.pendingMocks()).toEqual([]);
  });

  it('hands a long Retry-After to the queue as rate_limited with the wait', async () => {
    portal()
      .get('/v1/suppliers')
      .once()
      .reply(429, { message: 'hourly quota used' }, { 'Retry-After': '120' });
    const error = await readAll(makeConfig(), 'suppliers').catch((caught) => caught);
    expect(error).toBeInstanceOf(HubError);
    expect(error).toMatchObject({ kind: 'rate_limited', code: 'http_429', retryAfterMs: 120_000 });
    expect(error.message).toBe('GET /v1/suppliers: HTTP 429: hourly quota used');
    expect(nock.pendingMocks()).toEqual([]);
  });

  it('gives up on repeated 5xx as transient, and never retries a 4xx', async () => {
    portal().get('/v1/suppliers').times(3).reply(502, '<html>Bad Gateway</html>');
    expect(await readAll(makeConfig(), 'suppliers').catch((caught) => caught)).toMatchObject({
      kind: 'transient',
      code: 'http_502',
    });
    expect(nock.pendingMocks()).toEqual([]);

    portal()
      .get('/v1/suppliers')
      .once()
      .reply(400, { error: { message: 'unknown filter "x"' } });
    const error = await readAll(makeConfig(), 'suppliers').catch((caught) => caught);
    expect(error).toMatchObject({
      kind: 'invalid_data',
      code: 'http_400',
      message: 'GET /v1/suppliers: HTTP 400: unknown filter "x"',
    });
    expect(nock.pendingMocks()).toEqual([]);
  });
});
