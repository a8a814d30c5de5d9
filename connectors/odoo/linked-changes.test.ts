import { describe, expect, it, vi } from 'vitest';
import type { Cursor, ReadPage } from '../../core/connector/index.ts';
import {
  expectMtoLookup,
  expectSearchRead,
  expectVendorLinesOf,
  includeArchived,
  loadFixture,
  type OdooFixture,
  type OdooRow,
  type OdooTestContext,
  odooContext,
  pickFields,
  recordedFields,
  recordedRows,
  replayTestsAt,
  resultResponse,
  withCachedUid,
} from '../../tests/contract/odoo/replay.ts';
import { odooConnector } from './index.ts';
import { vendorLinesRelation } from './streams/vendors.ts';

// Now is 2026-11-21 23:41:37 UTC: with the default two-minute lag a new window ends at 23:39:37.
const now = new Date('2026-11-21T23:41:37Z');
const lastSync = '2026-11-21 23:38:50';
const windowEnd = '2026-11-21 23:39:37';

const products = recordedRows('12');
const vendorLines = recordedRows('13');
const productFields = recordedFields('12');
// Desk Organizer (product 40, template 31) was last written at 23:38:25, before the last sync.
const organizer = products.find((row) => row.default_code === 'FURN_0001')!;
const organizerTemplate = (organizer.product_tmpl_id as [number, string])[0];

/** Recorded vendor line 18 (Gemini, 12 units) on the organizer's template, with changes. */
const organizerLine = (changes: Record<string, unknown>) => ({
  ...pickFields(vendorLines.find((line) => line.id === 18)!, vendorLinesRelation.fields),
  product_tmpl_id: organizer.product_tmpl_id,
  ...changes,
});

function expectLinesWrittenIn(from: string, to: string, response: OdooFixture['response']) {
  expectSearchRead(
    'product.supplierinfo',
    [
      ['write_date', '>=', from],
      ['write_date', '<', to],
    ],
    { fields: ['product_tmpl_id'], context: includeArchived },
    response,
  );
}

/** A supplierinfo search_read answer of the recorded shape: the id and the asked field. */
const writtenLines = (rows: OdooRow[]) =>
  resultResponse(rows.map((row) => pickFields(row, ['id', 'product_tmpl_id'])));

function expectProducts(domain: unknown[], rows: OdooRow[], limit = 20) {
  expectSearchRead(
    'product.product',
    domain,
    { fields: productFields, order: 'id asc', limit, context: includeArchived },
    resultResponse(rows),
  );
}

const writtenIn = (from: string, to: string, afterId = 0) => [
  ['write_date', '>=', from],
  ['write_date', '<', to],
  ['id', '>', afterId],
];
/** The second pass: variants of the templates whose lines were written, last written before the window. */
const linkedTo = (templateIds: number[], from: string, afterId = 0) => [
  ['product_tmpl_id', 'in', templateIds],
  ['write_date', '<', from],
  ['id', '>', afterId],
];

function expectVendorLines(templateIds: number[], lines: OdooRow[]) {
  expectVendorLinesOf(templateIds, vendorLinesRelation.fields, resultResponse(lines));
}

/** The recorded AccessError (85), as Odoo words it for another model. */
function accessErrorOn(description: string, model: string): OdooFixture['response'] {
  const { response } = loadFixture('85');
  const body = response.body as { error: { data: Record<string, unknown> } };
  const message = String(body.error.data.message).replace(
    "'Manufacturing Order' (mrp.production)",
    `'${description}' (${model})`,
  );
  const data = { ...body.error.data, message, arguments: [message] };
  return { ...response, body: { ...body, error: { ...body.error, data } } };
}

async function readItems(ctx: OdooTestContext, cursor: Cursor): Promise<ReadPage[]> {
  const pages: ReadPage[] = [];
  for await (const page of odooConnector.read(ctx, 'items', cursor)) pages.push(page);
  return pages;
}

const records = (pages: ReadPage[]) => pages.flatMap((page) => page.records as OdooRow[]);

replayTestsAt(now);

describe('odoo items: vendor lines written since the last sync', () => {
  it('reads an item again when only its vendor line was written, with the new minimum, and then nothing more', async () => {
    const ctx = await withCachedUid(odooContext({ pageSize: 20 }));
    // Gemini's minimum raised from 12 to 20 in the vendor pricelist list: the line is written at
    // 23:39:10, the product keeps its write_date.
    const raised = organizerLine({ min_qty: 20, write_date: '2026-11-21 23:39:10' });
    expectLinesWrittenIn(lastSync, windowEnd, writtenLines([raised]));
    expectProducts(writtenIn(lastSync, windowEnd), []);
    expectProducts(linkedTo([organizerTemplate], lastSync), [organizer]);
    expectVendorLines([organizerTemplate], [pickFields(raised, vendorLinesRelation.fields)]);
    expectMtoLookup();

    const first = await readItems(ctx, { from: lastSync, to: null, afterId: 0 });
    expect(records(first).map((row) => [row.id, row.vendor_min_qty])).toEqual([[organizer.id, 20]]);
    expect(first.map((page) => page.cursor)).toEqual([
      { from: lastSync, to: windowEnd, afterId: 0, linked: true },
      { from: windowEnd, to: null, afterId: 0 },
    ]);

    // A minute later nothing was written: the next window starts where this one ended.
    vi.setSystemTime(new Date(now.getTime() + 60_000));
    const nextEnd = '2026-11-21 23:40:37';
    expectLinesWrittenIn(windowEnd, nextEnd, writtenLines([]));
    expectProducts(writtenIn(windowEnd, nextEnd), []);
    const second = await readItems(ctx, first.at(-1)!.cursor);
    expect(second).toEqual([{ records: [], cursor: { from: nextEnd, to: null, afterId: 0 } }]);
  });

  it('finishes a window that a cursor saved before the second pass existed left mid-way, then reads the linked items of the whole window', async () => {
    const ctx = await withCachedUid(odooContext({ pageSize: 20 }));
    const raised = organizerLine({ min_qty: 30 });
    expectLinesWrittenIn(lastSync, windowEnd, writtenLines([raised]));
    // The first pass resumes after id 45; the organizer (40) comes with the second pass.
    expectProducts(writtenIn(lastSync, windowEnd, 45), []);
    expectProducts(linkedTo([organizerTemplate], lastSync), [organizer]);
    expectVendorLines([organizerTemplate], [pickFields(raised, vendorLinesRelation.fields)]);
    expectMtoLookup();

    const pages = await readItems(ctx, { from: lastSync, to: windowEnd, afterId: 45 });
    expect(records(pages).map((row) => [row.id, row.vendor_min_qty])).toEqual([[organizer.id, 30]]);
    expect(pages.at(-1)!.cursor).toEqual({ from: windowEnd, to: null, afterId: 0 });
  });

  it('resumes an interrupted second pass after its last id, and closes it when its lines were written again since', async () => {
    const ctx = await withCachedUid(odooContext({ pageSize: 20 }));
    const raised = organizerLine({ min_qty: 30 });
    expectLinesWrittenIn(lastSync, windowEnd, writtenLines([raised]));
    expectProducts(linkedTo([organizerTemplate], lastSync, 39), [organizer]);
    expectVendorLines([organizerTemplate], [pickFields(raised, vendorLinesRelation.fields)]);
    expectMtoLookup();
    const resumed = await readItems(ctx, { from: lastSync, to: windowEnd, afterId: 39, linked: true });
    expect(records(resumed).map((row) => row.id)).toEqual([organizer.id]);

    // The line was written again after the window's end: the next window reads it.
    expectLinesWrittenIn(lastSync, windowEnd, writtenLines([]));
    const emptied = await readItems(ctx, { from: lastSync, to: windowEnd, afterId: 39, linked: true });
    expect(emptied).toEqual([{ records: [], cursor: { from: windowEnd, to: null, afterId: 0 } }]);
  });

  it('reads items without vendors, warning once, when the user may not read vendor lines', async () => {
    const ctx = await withCachedUid(odooContext({ pageSize: 20 }));
    const warn = vi.spyOn(ctx.logger, 'warn');
    expectLinesWrittenIn(lastSync, windowEnd, accessErrorOn('Supplier Pricelist', 'product.supplierinfo'));
    // The page's vendor lines are not asked for again.
    expectProducts(writtenIn(lastSync, windowEnd), [organizer]);
    expectMtoLookup();
    const pages = await readItems(ctx, { from: lastSync, to: null, afterId: 0 });
    expect(records(pages).map((row) => row.id)).toEqual([organizer.id]);
    expect(records(pages)[0]).not.toHaveProperty('vendor_min_qty');
    expect(pages.at(-1)!.cursor).toEqual({ from: windowEnd, to: null, afterId: 0 });
    const warnings = warn.mock.calls.filter(([message]) => String(message).includes('product.supplierinfo'));
    expect(warnings).toHaveLength(1);
  });
});
