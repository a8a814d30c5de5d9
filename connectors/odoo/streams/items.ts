import { type OdooStream, odooSpec } from './types.ts';

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
  matchField: 'default_code',
};
