import { HubError } from '../../../core/errors/index.ts';
import type { OdooClient } from '../client.ts';
import { type OdooRow, parseRows } from '../records.ts';
import { type OdooStream, odooSpec } from './types.ts';
import { attachVendorMinimums, vendorLinesRelation } from './vendors.ts';

/**
 * Flags make-to-order items: those carrying the "Replenish on Order (MTO)" route. The route is
 * found by its XML id, not its (translatable) name or a database id that differs per database.
 */
async function markMakeToOrder(client: OdooClient, rows: OdooRow[]): Promise<void> {
  if (rows.length === 0) return;
  let mtoRouteId: unknown;
  try {
    const result = await client.executeKw(
      'ir.model.data',
      'search_read',
      [['&', ['module', '=', 'stock'], ['name', '=', 'route_warehouse0_mto']]],
      { fields: ['module', 'name', 'model', 'res_id'], order: 'id asc' },
    );
    mtoRouteId = parseRows(result, 'ir.model.data.search_read')[0]?.res_id;
  } catch (error) {
    // A user without access to XML ids still syncs items, just without the flag.
    if (!(error instanceof HubError && error.kind === 'auth')) throw error;
    return;
  }
  for (const row of rows) {
    row.make_to_order = Array.isArray(row.route_ids) && row.route_ids.includes(mtoRouteId);
  }
}

// Odoo 18: a stock-tracked item is type 'consu' with is_storable true ('product' no longer exists).
export const itemsStream: OdooStream = {
  spec: odooSpec({
    name: 'items',
    entity: 'item',
    read: true,
    write: true,
    description: 'product.product variants',
  }),
  model: 'product.product',
  domain: [],
  fields: [
    'id',
    'default_code',
    'name',
    'barcode',
    'type',
    'is_storable',
    'uom_id',
    'uom_po_id',
    'list_price',
    'standard_price',
    'categ_id',
    'route_ids',
    'seller_ids',
    'write_date',
    'product_tmpl_id',
    'active',
  ],
  relations: [vendorLinesRelation],
  enrich: async (client, rows) => {
    await markMakeToOrder(client, rows);
    await attachVendorMinimums(client, rows);
  },
  matchField: 'default_code',
};
