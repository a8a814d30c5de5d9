import nock from 'nock';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { odooConnector } from '../../../connectors/odoo/index.ts';
import type { Cursor, ReadPage } from '../../../core/connector/index.ts';
import {
  executeKwParams,
  expectMtoLookup,
  expectRpc,
  expectVendorLinesOf,
  includeArchived,
  loadFixture,
  type OdooTestContext,
  odooContext,
  replay,
  replayIncludingArchived,
  resultOf,
  resultResponse,
  withCachedUid,
} from './replay.ts';

async function readAll(ctx: OdooTestContext, stream: string, cursor?: Cursor): Promise<ReadPage[]> {
  const pages: ReadPage[] = [];
  for await (const page of odooConnector.read(ctx, stream, cursor)) pages.push(page);
  return pages;
}

const windowEnd = '2026-11-21 23:39:37';
// The vendor line fields the items stream reads: the recorded ones (13) it uses.
const vendorFields = (loadFixture('13').request.body.params.args[6] as { fields: string[] }).fields.filter(
  (field) => !['product_name', 'product_code', 'currency_id', 'write_date'].includes(field),
);
const shipmentFilter = [['picking_type_code', 'in', ['incoming', 'outgoing']]];

/**
 * Expects the recorded search_read (its model and field list) with the domain and kwargs the
 * windowed read sends, answered with the recording or, for the page that ends a window, nothing.
 */
function windowedCall(
  number: string,
  options: { filter?: unknown[]; afterId?: number; limit: number; empty?: boolean },
) {
  const fixture = loadFixture(number);
  const args = fixture.request.body.params.args;
  const [model, method, recordedKwargs] = [
    args[3] as string,
    args[4] as string,
    args[6] as { fields: string[] },
  ];
  const domain = [
    ...(options.filter ?? []),
    ['write_date', '<', windowEnd],
    ['id', '>', options.afterId ?? 0],
  ];
  const kwargs = {
    fields: recordedKwargs.fields,
    order: 'id asc',
    limit: options.limit,
    context: includeArchived,
  };
  expectRpc(
    executeKwParams(model, method, [domain], kwargs),
    options.empty ? resultResponse([]) : fixture.response,
  );
}

beforeAll(() => nock.disableNetConnect());
// Now is 2026-11-21 23:41:37 UTC: with the default two-minute lag a new window ends at 23:39:37.
beforeEach(() => vi.useFakeTimers({ toFake: ['Date'], now: new Date('2026-11-21T23:41:37Z') }));
afterEach(() => {
  vi.useRealTimers();
  const pending = nock.pendingMocks();
  nock.cleanAll();
  expect(pending).toEqual([]);
});

describe('odoo incremental reads', () => {
  it('pages a write_date window by id across several pages and then closes the window', async () => {
    const ctx = await withCachedUid(
      odooContext({
        pageSize: 10,
        streams: { contacts: { fields: ['id', 'name', 'write_date'], domain: [] } },
      }),
    );
    replayIncludingArchived('43');
    replayIncludingArchived('44');
    const lastPage = executeKwParams(
      'res.partner',
      'search_read',
      [
        [
          ['write_date', '>=', '2026-11-21 23:38:50'],
          ['write_date', '<', '2026-11-21 23:39:37'],
          ['id', '>', 28],
        ],
      ],
      { fields: ['id', 'name', 'write_date'], order: 'id asc', limit: 10, context: includeArchived },
    );
    expectRpc(lastPage, resultResponse([]));

    const pages = await readAll(ctx, 'contacts', { from: '2026-11-21 23:38:50', to: null, afterId: 0 });
    expect(pages.map((page) => page.records.length)).toEqual([10, 10, 0]);
    expect(pages.map((page) => page.cursor)).toEqual([
      { from: '2026-11-21 23:38:50', to: '2026-11-21 23:39:37', afterId: 18 },
      { from: '2026-11-21 23:38:50', to: '2026-11-21 23:39:37', afterId: 28 },
      { from: '2026-11-21 23:39:37', to: null, afterId: 0 },
    ]);
    const ids = (records: unknown[]) => records.map((row) => (row as { id: number }).id);
    expect(ids(pages[0].records)).toEqual(ids(resultOf(loadFixture('43')) as unknown[]));
  });

  it('resumes a window that a crash interrupted, with the same end and the last id', async () => {
    const ctx = await withCachedUid(
      odooContext({
        pageSize: 10,
        streams: { contacts: { fields: ['id', 'name', 'write_date'], domain: [] } },
      }),
    );
    replayIncludingArchived('44');
    expectRpc(
      executeKwParams(
        'res.partner',
        'search_read',
        [
          [
            ['write_date', '>=', '2026-11-21 23:38:50'],
            ['write_date', '<', '2026-11-21 23:39:37'],
            ['id', '>', 28],
          ],
        ],
        { fields: ['id', 'name', 'write_date'], order: 'id asc', limit: 10, context: includeArchived },
      ),
      resultResponse([]),
    );
    const pages = await readAll(ctx, 'contacts', {
      from: '2026-11-21 23:38:50',
      to: '2026-11-21 23:39:37',
      afterId: 18,
    });
    expect(pages.map((page) => page.records.length)).toEqual([10, 0]);
  });

  it('reads nothing while the next window would still be inside the lag', async () => {
    const ctx = await withCachedUid(odooContext());
    expect(await readAll(ctx, 'customers', { from: '2026-11-21 23:40:00', to: null, afterId: 0 })).toEqual(
      [],
    );
  });

  it('runs the first sync of customers up to the window end, with the recorded field list', async () => {
    const ctx = await withCachedUid(odooContext({ pageSize: 5 }));
    windowedCall('10', { filter: [['customer_rank', '>', 0]], limit: 5 });
    // The ISO code of the countries on the page, in the shape of the recorded country lookup (04).
    const country = { id: 233, name: 'United States', code: 'US' };
    expectRpc(
      executeKwParams('res.country', 'search_read', [[['id', 'in', [233]]]], {
        fields: ['id', 'name', 'code'],
        context: includeArchived,
      }),
      resultResponse([country]),
    );
    const pages = await readAll(ctx, 'customers');
    expect(pages).toHaveLength(1);
    const customers = pages[0].records as Array<{ country_id: [number, string] | false; country: unknown }>;
    expect(customers.map((row) => row.country)).toEqual(
      customers.map((row) => (row.country_id ? country : null)),
    );
    expect(pages[0].cursor).toEqual({ from: '2026-11-21 23:39:37', to: null, afterId: 0 });
  });

  it('delivers a customer archived since the last sync, so the archive reaches the hub', async () => {
    const ctx = await withCachedUid(odooContext({ pageSize: 5 }));
    const [recorded] = resultOf(loadFixture('10')) as Array<Record<string, unknown>>;
    const archived = { ...recorded, active: false, country_id: false };
    const fields = (loadFixture('10').request.body.params.args[6] as { fields: string[] }).fields;
    // Only a call with active_test false gets the row: Odoo leaves archived records out otherwise.
    expectRpc(
      executeKwParams(
        'res.partner',
        'search_read',
        [
          [
            ['customer_rank', '>', 0],
            ['write_date', '<', windowEnd],
            ['id', '>', 0],
          ],
        ],
        { fields, order: 'id asc', limit: 5, context: includeArchived },
      ),
      resultResponse([archived]),
    );
    const pages = await readAll(ctx, 'customers');
    expect(pages.flatMap((page) => page.records)).toEqual([{ ...archived, country: null }]);
  });

  it('attaches sales order lines fetched in one call per page', async () => {
    const ctx = await withCachedUid(odooContext({ pageSize: 5 }));
    windowedCall('15', { limit: 5 });
    replay('16');
    windowedCall('15', { afterId: 5, limit: 5, empty: true });
    const pages = await readAll(ctx, 'sales_orders');
    const orders = pages[0].records as Array<{
      id: number;
      order_line: number[];
      lines: Array<{ id: number; order_id: [number, string] }>;
    }>;
    for (const order of orders) {
      expect(order.lines.map((line) => line.id)).toEqual(order.order_line);
      expect(order.lines.every((line) => line.order_id[0] === order.id)).toBe(true);
    }
    expect(pages[1]).toEqual({ records: [], cursor: { from: '2026-11-21 23:39:37', to: null, afterId: 0 } });
  });

  it('attaches a work center calendar and its attendances (the calendar is a parent, attendances its children)', async () => {
    const ctx = await withCachedUid(odooContext());
    windowedCall('24', { limit: 200 });
    replayIncludingArchived('25');
    replay('26');
    const [page] = await readAll(ctx, 'work_centers');
    const centers = page.records as Array<{
      resource_calendar_id: [number, string];
      calendar: { id: number; tz: string; attendances: unknown[] };
    }>;
    expect(centers).toHaveLength(3);
    for (const center of centers) {
      expect(center.calendar.id).toBe(center.resource_calendar_id[0]);
      expect(center.calendar.tz).toBe('Europe/Brussels');
      expect(center.calendar.attendances).toHaveLength(15);
    }
  });

  it('attaches the stock moves of each shipment', async () => {
    const ctx = await withCachedUid(odooContext({ pageSize: 5 }));
    windowedCall('22', { filter: shipmentFilter, limit: 5 });
    replay('23');
    windowedCall('22', { filter: shipmentFilter, afterId: 5, limit: 5, empty: true });
    const pages = await readAll(ctx, 'shipments');
    const pickings = pages[0].records as Array<{ move_ids: number[]; moves: Array<{ id: number }> }>;
    for (const picking of pickings) expect(picking.moves.map((move) => move.id)).toEqual(picking.move_ids);
  });

  it('flags make-to-order items by the MTO route found through its XML id (as 05 resolves XML ids)', async () => {
    const ctx = await withCachedUid(odooContext({ pageSize: 20 }));
    windowedCall('12', { limit: 20 });
    const products = resultOf(loadFixture('12')) as Array<{
      id: number;
      route_ids: number[];
      seller_ids: number[];
      product_tmpl_id: [number, string];
    }>;
    const mtoRouteId = products.find((product) => product.route_ids.length > 0)!.route_ids[0];
    const xmlIdRow = {
      id: 29501,
      module: 'stock',
      name: 'route_warehouse0_mto',
      model: 'stock.route',
      res_id: mtoRouteId,
    };
    expectMtoLookup([xmlIdRow]);
    // The page's vendor lines: none, as every recorded product's seller_ids is empty.
    expect(products.every((product) => (product.seller_ids as unknown[]).length === 0)).toBe(true);
    const templateIds = [...new Set(products.map((product) => product.product_tmpl_id[0]))].sort(
      (a, b) => a - b,
    );
    expectVendorLinesOf(templateIds, vendorFields, resultResponse([]));
    windowedCall('12', {
      afterId: Math.max(...products.map((product) => product.id)),
      limit: 20,
      empty: true,
    });
    const [page] = await readAll(ctx, 'items');
    const flags = (page.records as Array<{ route_ids: number[]; make_to_order: boolean }>).map(
      (row) => row.make_to_order,
    );
    expect(flags).toEqual(products.map((product) => product.route_ids.includes(mtoRouteId)));
    expect(flags).toContain(true);
    expect(flags).toContain(false);
  });
});
