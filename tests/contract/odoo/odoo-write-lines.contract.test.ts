import nock from 'nock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { odooConnector } from '../../../connectors/odoo/index.ts';
import type { WriteOp } from '../../../core/connector/index.ts';
import {
  executeKwParams,
  expectRpc,
  loadFixture,
  odooContext,
  resultOf,
  resultResponse,
  withCachedUid,
} from './replay.ts';

beforeAll(() => nock.disableNetConnect());
afterEach(() => {
  const pending = nock.pendingMocks();
  nock.cleanAll();
  expect(pending).toEqual([]);
});

type Row = Record<string, unknown> & { id: number; order_id: [number, string] };

/** Recorded line rows (16: sale.order.line, 18: purchase.order.line, 65: order 27's line). */
function recordedLines(number: string, orderId: number): Row[] {
  return (resultOf(loadFixture(number)) as Row[]).filter((row) => row.order_id[0] === orderId);
}

/** Expects the read of an order's lines and answers with the rows cut to the fields asked for. */
function readLines(model: string, orderId: number, mapped: string[], rows: Row[]) {
  const fields = ['id', 'sequence', 'display_type', 'product_id', ...mapped];
  const params = executeKwParams(model, 'search_read', [[['order_id', '=', orderId]]], {
    fields,
    order: 'sequence asc, id asc',
  });
  const answer = rows.map((row) =>
    Object.fromEntries(fields.flatMap((f) => (f in row ? [[f, row[f]]] : []))),
  );
  return expectRpc(params, resultResponse(answer));
}

/** A write [[id], vals] answered as recorded in 51 (result true). */
function expectWrite(model: string, id: number, values: Record<string, unknown>) {
  return expectRpc(executeKwParams(model, 'write', [[id], values]), loadFixture('51').response);
}

const op = (overrides: Partial<WriteOp> & { record: Record<string, unknown> }): WriteOp => ({
  idempotencyKey: 'key-so',
  action: 'upsert',
  canonicalId: 'so-1',
  ...overrides,
});

// What sales_orders.out.yaml makes of order 27 as created in 57 (ids from the xref as text).
const order27 = {
  partner_id: '45',
  client_order_ref: 'HUB-SO-TEST-1',
  commitment_date: '2026-12-01 08:00:00',
  order_line: [{ product_id: '63', product_uom_qty: 3, price_unit: 99.5 }],
};
const order27Header = {
  partner_id: 45,
  client_order_ref: 'HUB-SO-TEST-1',
  commitment_date: '2026-12-01 08:00:00',
};
const saleLineFields = ['product_uom_qty', 'price_unit'];

describe('odoo writes to an order that already has lines', () => {
  it('sends no line commands when a retried create finds its first attempt with the same lines', async () => {
    const ctx = await withCachedUid(odooContext());
    expectRpc(
      executeKwParams('sale.order', 'search_read', [[['client_order_ref', '=', 'HUB-SO-TEST-1']]], {
        fields: ['id'],
        limit: 2,
        context: { active_test: false },
      }),
      resultResponse([{ id: 27 }]),
    );
    readLines('sale.order.line', 27, saleLineFields, recordedLines('65', 27));
    expectWrite('sale.order', 27, order27Header);
    const results = await odooConnector.write(ctx, 'sales_orders', [op({ record: order27 })]);
    expect(results).toEqual([{ ok: true, idempotencyKey: 'key-so', externalId: '27', created: false }]);
  });

  it('updates a changed line by its id and creates only the new one on an update of a known order', async () => {
    const ctx = await withCachedUid(odooContext());
    const record = {
      ...order27,
      order_line: [
        { product_id: '63', product_uom_qty: 5, price_unit: 99.5 },
        { product_id: '32', product_uom_qty: 1, price_unit: 295 },
      ],
    };
    readLines('sale.order.line', 27, saleLineFields, recordedLines('65', 27));
    expectWrite('sale.order', 27, {
      ...order27Header,
      order_line: [
        [1, 52, { product_uom_qty: 5 }],
        [0, 0, { product_id: 32, product_uom_qty: 1, price_unit: 295 }],
      ],
    });
    const results = await odooConnector.write(ctx, 'sales_orders', [op({ externalId: '27', record })]);
    expect(results).toEqual([{ ok: true, idempotencyKey: 'key-so', externalId: '27', created: false }]);
  });

  it('matches purchase lines by product, deletes the one no longer mapped and leaves sections alone', async () => {
    const ctx = await withCachedUid(odooContext());
    const section: Row = {
      ...recordedLines('18', 1)[0]!,
      id: 90,
      display_type: 'line_section',
      product_id: false,
    };
    // P00001 holds Office Chair (5) x15, Acoustic Bloc Screens (32) x5 and Drawer (33) x4.
    readLines(
      'purchase.order.line',
      1,
      ['product_qty', 'price_unit', 'date_planned'],
      [section, ...recordedLines('18', 1)],
    );
    expectWrite('purchase.order', 1, {
      partner_ref: 'HUB-PO-1',
      order_line: [
        [1, 1, { product_qty: 20 }],
        [0, 0, { product_id: 28, product_qty: 2, price_unit: 1690, date_planned: '2026-11-24 23:38:40' }],
        [2, 3, 0],
      ],
    });
    const line = (product: number, qty: number, price: number) => ({
      product_id: String(product),
      product_qty: qty,
      price_unit: price,
      date_planned: '2026-11-24 23:38:40',
    });
    const record = {
      partner_ref: 'HUB-PO-1',
      order_line: [line(32, 5, 286.7), line(5, 20, 79.8), line(28, 2, 1690)],
    };
    const results = await odooConnector.write(ctx, 'purchase_orders', [op({ externalId: '1', record })]);
    expect(results[0]).toMatchObject({ ok: true, externalId: '1', created: false });
  });

  it('matches lines by sequence when the mapping carries it', async () => {
    const ctx = await withCachedUid(odooContext());
    const [first, second] = recordedLines('16', 3);
    readLines('sale.order.line', 3, saleLineFields, [
      { ...first, sequence: 10 },
      { ...second, sequence: 20 },
    ]);
    // Line 20 changes product (Office Chair to Office Lamp); line 10 is as stored.
    expectWrite('sale.order', 3, { order_line: [[1, 7, { product_id: 6 }]] });
    const record = {
      order_line: [
        { sequence: 20, product_id: '6', product_uom_qty: 1, price_unit: 70 },
        { sequence: 10, product_id: '3', product_uom_qty: 10, price_unit: 30.75 },
      ],
    };
    const results = await odooConnector.write(ctx, 'sales_orders', [op({ externalId: '3', record })]);
    expect(results[0]).toMatchObject({ ok: true, externalId: '3' });
  });
});
