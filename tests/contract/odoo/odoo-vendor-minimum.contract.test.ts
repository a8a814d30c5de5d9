import { describe, expect, it, vi } from 'vitest';
import { odooConnector } from '../../../connectors/odoo/index.ts';
import type { ReadPage } from '../../../core/connector/index.ts';
import { applyMapping, compileMapping, loadDefaultMapping } from '../../../core/mapping/index.ts';
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
} from './replay.ts';

const windowEnd = '2026-11-21 23:39:37';
const products = recordedRows('12');
const vendorLines = recordedRows('13');
const units = recordedRows('14');
const productFields = recordedFields('12');
/** The supplierinfo fields the items stream asks for, in the order of the recording (13). */
const vendorFields = [
  'id',
  'partner_id',
  'product_tmpl_id',
  'product_id',
  'min_qty',
  'price',
  'delay',
  'date_start',
  'date_end',
  'sequence',
  'product_uom',
];

const lineOf = (id: number) => vendorLines.find((line) => line.id === id)!;
const product = (code: string) => products.find((row) => row.default_code === code)!;

/** A recorded vendor line (13) moved onto a product of the recorded page (12), with changes. */
function line(id: number, onProduct: OdooRow, changes: Record<string, unknown> = {}): OdooRow {
  return { ...pickFields(lineOf(id), vendorFields), product_tmpl_id: onProduct.product_tmpl_id, ...changes };
}

function expectProductPage(rows: OdooRow[], limit: number, afterId = 0) {
  expectSearchRead(
    'product.product',
    [
      ['write_date', '<', windowEnd],
      ['id', '>', afterId],
    ],
    { fields: productFields, order: 'id asc', limit, context: includeArchived },
    resultResponse(rows),
  );
}

const templateIds = (rows: OdooRow[]) =>
  [...new Set(rows.map((row) => (row.product_tmpl_id as [number, string])[0]))].sort((a, b) => a - b);

function expectVendorLines(rows: OdooRow[], response: OdooFixture['response']) {
  expectVendorLinesOf(templateIds(rows), vendorFields, response);
}

/** One page of items (fewer than the page size, so the window closes with it). */
async function readItems(ctx: OdooTestContext, rows: OdooRow[], lines: OdooRow[]): Promise<OdooRow[]> {
  expectProductPage(rows, ctx.config.pageSize);
  expectVendorLines(rows, resultResponse(lines));
  expectMtoLookup();
  const pages: ReadPage[] = [];
  for await (const page of odooConnector.read(ctx, 'items')) pages.push(page);
  expect(pages).toHaveLength(1);
  return pages[0]!.records as OdooRow[];
}

const minimums = (records: OdooRow[]) => records.map((record) => record.vendor_min_qty);

replayTestsAt(new Date('2026-11-21T23:41:37Z'));

describe('odoo items: the primary vendor minimum order quantity', () => {
  it('reads the minimum of the vendor first in Odoo’s vendor order, with one supplierinfo search_read per page', async () => {
    const ctx = await withCachedUid(odooContext({ pageSize: 20 }));
    const page = ['FURN_0001', 'FURN_0002', 'FURN_0006', 'FURN_5555'].map(product);
    const [organizer, pad, stand] = page as [OdooRow, OdooRow, OdooRow];
    const records = await readItems(ctx, page, [
      // Office Chair's recorded vendors: Gemini (12 at 90) is listed before the cheaper Wood
      // Corner (1 at 66) because Odoo puts the larger minimum first at equal sequence.
      line(18, organizer),
      line(19, organizer),
      // Flipover's: Ready Mat (1) and Wood Corner (5); Wood Corner comes first.
      line(12, pad),
      line(13, pad),
      // Large Cabinet's: Ready Mat's price break at 3 puts it first; its smallest line is 1.
      line(1, stand),
      line(2, stand),
      line(3, stand),
    ]);
    expect(minimums(records)).toEqual([12, 5, 1, 0]);
    expect((records[1]!.vendors as OdooRow[]).map((vendor) => vendor.id)).toEqual([13, 12]);
  });

  it('lets a line for the variant compete with the template’s lines by Odoo’s rule, ignoring other variants’ lines', async () => {
    const ctx = await withCachedUid(odooContext({ pageSize: 20 }));
    const first = product('FURN_0001');
    const second = { ...product('FURN_0002'), product_tmpl_id: first.product_tmpl_id };
    const variant = (row: OdooRow) => [row.id, row.name];
    const records = await readItems(
      ctx,
      [first, second],
      [
        line(18, first, { sequence: 2, min_qty: 10 }),
        line(19, first, { product_id: variant(first), sequence: 1, min_qty: 4 }),
        line(12, first, { product_id: variant(second), sequence: 3, min_qty: 50 }),
      ],
    );
    // The first variant's own line comes first (sequence 1); the second variant's own line comes
    // after the template's line (sequence 3 against 2), so the template's vendor is its primary.
    expect(minimums(records)).toEqual([4, 10]);
    expect((records[1]!.vendors as OdooRow[]).map((vendor) => vendor.id)).toEqual([18, 12]);
  });

  it('skips vendor lines whose validity ended or has not started', async () => {
    const ctx = await withCachedUid(odooContext({ pageSize: 20 }));
    const item = product('FURN_0001');
    const records = await readItems(
      ctx,
      [item],
      [
        line(18, item, { sequence: 1, min_qty: 20, date_end: '2026-11-20' }),
        line(12, item, { sequence: 1, min_qty: 30, date_start: '2026-12-01' }),
        line(19, item, { sequence: 2, min_qty: 6, date_end: '2026-11-21' }),
      ],
    );
    expect(minimums(records)).toEqual([6]);
  });

  it('gives no minimum order quantity when the primary vendor’s min_qty is 0, even if another vendor has one', async () => {
    const ctx = await withCachedUid(odooContext({ pageSize: 20 }));
    const item = product('FURN_0001');
    const [record] = await readItems(
      ctx,
      [item],
      [line(18, item, { sequence: 1, min_qty: 0 }), line(19, item, { sequence: 2, min_qty: 5 })],
    );
    expect(record!.vendor_min_qty).toBe(0);
    const mapping = compileMapping(await loadDefaultMapping('odoo', 'items', 'in'));
    const resolver = { toCanonical: (_entity: string, id: string) => id, toExternal: () => undefined };
    const mapped = await applyMapping(mapping, record, { resolver });
    expect(mapped.errors).toEqual([]);
    expect(mapped.value).not.toHaveProperty('minimumOrderQuantity');
  });

  it('converts the minimum from the vendor’s purchase unit to the item’s unit', async () => {
    const ctx = await withCachedUid(odooContext({ pageSize: 20 }));
    const item = product('FURN_0001');
    const dozens = units.find((unit) => unit.name === 'Dozens')!;
    const unitRows = units.filter((unit) => unit.name === 'Units' || unit.name === 'Dozens');
    expectSearchRead(
      'uom.uom',
      [['id', 'in', unitRows.map((unit) => unit.id)]],
      { fields: ['id', 'factor'], context: includeArchived },
      resultResponse(unitRows.map((unit) => pickFields(unit, ['id', 'factor']))),
    );
    const [record] = await readItems(
      ctx,
      [item],
      [line(18, item, { min_qty: 2, product_uom: [dozens.id, dozens.name] })],
    );
    expect(record!.vendor_min_qty).toBe(24);
  });

  it('fails the page, naming the item and the vendor line, when Odoo does not return the vendor’s unit', async () => {
    const ctx = await withCachedUid(odooContext({ pageSize: 20 }));
    const item = product('FURN_0001');
    const [unitsRow, dozens] = [units[0]!, units.find((unit) => unit.name === 'Dozens')!];
    expectSearchRead(
      'uom.uom',
      [['id', 'in', [unitsRow.id, dozens.id]]],
      { fields: ['id', 'factor'], context: includeArchived },
      resultResponse([pickFields(unitsRow, ['id', 'factor'])]),
    );
    await expect(
      readItems(ctx, [item], [line(18, item, { min_qty: 2, product_uom: [dozens.id, dozens.name] })]),
    ).rejects.toThrow(`product.product ${item.id}: vendor line 18 min_qty: uom.uom ${dozens.id} not found`);
  });

  const unavailable: Array<[string, () => OdooFixture['response']]> = [
    [
      'Odoo has no product.supplierinfo model',
      () => {
        const { response } = loadFixture('80');
        const message = "Object product.supplierinfo doesn't exist";
        const body = response.body as { error: { data: Record<string, unknown> } };
        const data = { ...body.error.data, message, arguments: [message] };
        return { ...response, body: { ...body, error: { ...body.error, data } } };
      },
    ],
    ['the user may not read vendor pricelists', () => loadFixture('85').response],
  ];

  for (const [why, response] of unavailable) {
    it(`reads items without a minimum, warning once per read, when ${why}`, async () => {
      const ctx = await withCachedUid(odooContext({ pageSize: 2 }));
      const warn = vi.spyOn(ctx.logger, 'warn');
      const rows = ['FURN_0001', 'FURN_0002', 'FURN_0006', 'FURN_5555'].map(product);
      expectProductPage(rows.slice(0, 2), 2);
      expectVendorLines(rows.slice(0, 2), response());
      expectMtoLookup();
      // The second page asks Odoo no more about vendors.
      expectProductPage(rows.slice(2), 2, rows[1]!.id);
      expectMtoLookup();
      expectProductPage([], 2, rows[3]!.id);
      const pages: ReadPage[] = [];
      for await (const page of odooConnector.read(ctx, 'items')) pages.push(page);
      const records = pages.flatMap((page) => page.records as OdooRow[]);
      expect(records.map((record) => record.id)).toEqual(rows.map((row) => row.id));
      for (const record of records) {
        expect(record).not.toHaveProperty('vendor_min_qty');
        expect(record).not.toHaveProperty('vendors');
      }
      const warnings = warn.mock.calls.filter(([message]) =>
        String(message).includes('product.supplierinfo'),
      );
      expect(warnings).toHaveLength(1);
    });
  }
});
