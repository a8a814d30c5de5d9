import { z } from 'zod';
import { HubError, parseOrThrow } from '../../../core/errors/index.ts';
import type { OdooClient } from '../client.ts';
import { includeArchived, many2oneId, type OdooRow, parseRows } from '../records.ts';
import type { OdooRelation } from './types.ts';

/**
 * The vendor lines (product.supplierinfo) of the items' templates, in one search_read per page.
 * Odoo passes over the lines of archived vendors when it picks one, so they stay out here too.
 * Lines are price breaks: min_qty is the quantity from which the line's price applies, in the
 * line's unit (product_uom, the template's purchase unit).
 */
export const vendorLinesRelation: OdooRelation = {
  as: 'vendors',
  model: 'product.supplierinfo',
  link: { kind: 'children', field: 'product_tmpl_id', via: 'product_tmpl_id' },
  domain: [['partner_id.active', '=', true]],
  fields: [
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
  ],
  optional: true,
  countsAsChange: true,
};

const many2one = z.tuple([z.number().int(), z.union([z.string(), z.literal(false)])]);
const odooDate = z.union([z.string().regex(/^\d{4}-\d{2}-\d{2}/), z.literal(false)]);
const vendorLineSchema = z.looseObject({
  id: z.number().int(),
  partner_id: many2one,
  product_id: z.union([many2one, z.literal(false)]),
  sequence: z.number(),
  min_qty: z.number().nonnegative(),
  price: z.number(),
  date_start: odooDate,
  date_end: odooDate,
  product_uom: z.union([many2one, z.literal(false)]),
});
type VendorLine = z.infer<typeof vendorLineSchema>;

const unitSchema = z.looseObject({ id: z.number().int(), factor: z.number().positive() });

/** Odoo's vendor order (product.product._prepare_sellers, and the Purchase tab's list). */
const byVendorOrder = (a: VendorLine, b: VendorLine) =>
  a.sequence - b.sequence || b.min_qty - a.min_qty || a.price - b.price || a.id - b.id;

/**
 * The lines Odoo considers for the variant, in its order: the template's lines that name no
 * variant or this one, valid today (date_start and date_end are inclusive days).
 */
function linesFor(variantId: number, lines: VendorLine[], today: string): VendorLine[] {
  return lines
    .filter((line) => line.product_id === false || line.product_id[0] === variantId)
    .filter(
      (line) =>
        (!line.date_start || line.date_start.slice(0, 10) <= today) &&
        (!line.date_end || line.date_end.slice(0, 10) >= today),
    )
    .sort(byVendorOrder);
}

/** The primary vendor's lines: the vendor of the first line, as Odoo's _select_seller picks it. */
function primaryVendorLines(offered: VendorLine[]): VendorLine[] {
  const vendorId = offered[0]?.partner_id[0];
  return offered.filter((line) => line.partner_id[0] === vendorId);
}

const needsConversion = (row: OdooRow, line: VendorLine) => {
  const lineUnit = many2oneId(line.product_uom);
  const itemUnit = many2oneId(row.uom_id);
  return line.min_qty > 0 && lineUnit !== undefined && itemUnit !== undefined && lineUnit !== itemUnit;
};

/** uom.uom factor: how many of the unit make one reference unit of its category. */
async function unitFactors(client: OdooClient, unitIds: number[]): Promise<Map<number, number>> {
  if (unitIds.length === 0) return new Map();
  const result = await client.executeKw('uom.uom', 'search_read', [[['id', 'in', unitIds]]], {
    fields: ['id', 'factor'],
    context: includeArchived,
  });
  const units = parseRows(result, 'uom.uom.search_read').map((unit) =>
    parseOrThrow(unitSchema, unit, { what: 'uom.uom', recordId: String(unit.id) }),
  );
  return new Map(units.map((unit) => [unit.id, unit.factor]));
}

function inItemUnit(row: OdooRow, line: VendorLine, factors: Map<number, number>): number {
  if (!needsConversion(row, line)) return line.min_qty;
  const [from, to] = [many2oneId(line.product_uom)!, many2oneId(row.uom_id)!];
  const [fromFactor, toFactor] = [factors.get(from), factors.get(to)];
  if (fromFactor === undefined || toFactor === undefined)
    throw new HubError(
      'invalid_data',
      'odoo_unknown_unit',
      `product.product ${row.id}: vendor line ${line.id} min_qty: uom.uom ${fromFactor === undefined ? from : to} not found`,
      { fieldPath: 'vendors.min_qty' },
    );
  // As Odoo's uom._compute_quantity; the precision cut drops float noise from factors like 1/12.
  return Number(((line.min_qty / fromFactor) * toFactor).toPrecision(12));
}

/**
 * Sets `vendor_min_qty` on each item: the primary vendor's minimum order quantity in the item's
 * unit (the smallest min_qty among that vendor's lines, since its lines are price breaks), 0 when
 * there is no vendor or no minimum. `vendors` keeps the lines Odoo considers, in its order. Items
 * read without vendor lines (product.supplierinfo unreadable) get neither.
 */
export async function attachVendorMinimums(
  client: OdooClient,
  rows: OdooRow[],
  // Odoo compares with the user's local day; the UTC day can differ from it by one.
  today = new Date().toISOString().slice(0, 10),
): Promise<void> {
  const primaries = new Map<OdooRow, VendorLine[]>();
  for (const row of rows) {
    if (!Array.isArray(row.vendors)) continue;
    const lines = row.vendors.map((line: unknown) =>
      parseOrThrow(vendorLineSchema, line, { what: `product.product ${row.id}: product.supplierinfo` }),
    );
    const offered = linesFor(row.id, lines, today);
    row.vendors = offered;
    primaries.set(row, primaryVendorLines(offered));
  }
  const unitIds = [...primaries].flatMap(([row, lines]) =>
    lines
      .filter((line) => needsConversion(row, line))
      .flatMap((line) => [many2oneId(line.product_uom)!, many2oneId(row.uom_id)!]),
  );
  const factors = await unitFactors(
    client,
    [...new Set(unitIds)].sort((a, b) => a - b),
  );
  for (const [row, lines] of primaries) {
    row.vendor_min_qty =
      lines.length === 0 ? 0 : Math.min(...lines.map((line) => inItemUnit(row, line, factors)));
  }
}
