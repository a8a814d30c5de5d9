import { type OdooStream, odooSpec } from './types.ts';

export const stockLevelsStream: OdooStream = {
  spec: odooSpec({
    name: 'stock_levels',
    entity: 'stock_level',
    read: true,
    write: true,
    description: 'stock.quant in internal locations',
  }),
  model: 'stock.quant',
  domain: [['location_id.usage', '=', 'internal']],
  fields: [
    'id',
    'product_id',
    'location_id',
    'lot_id',
    'quantity',
    'reserved_quantity',
    'available_quantity',
    'write_date',
  ],
  writeMode: 'inventory',
};

// Moves (Odoo 17+ naming): product_uom_qty is the demand, quantity the reserved or done quantity.
export const shipmentsStream: OdooStream = {
  spec: odooSpec({
    name: 'shipments',
    entity: 'shipment',
    read: true,
    write: false,
    description: 'stock.picking with its moves',
  }),
  model: 'stock.picking',
  // Receipts and deliveries; internal transfers and manufacturing pickings are not shipments.
  domain: [['picking_type_code', 'in', ['incoming', 'outgoing']]],
  fields: [
    'id',
    'name',
    'partner_id',
    'picking_type_id',
    'picking_type_code',
    'location_id',
    'location_dest_id',
    'state',
    'scheduled_date',
    'date_deadline',
    'date_done',
    'origin',
    'move_ids',
    'sale_id',
    'purchase_id',
    'write_date',
  ],
  relations: [
    {
      as: 'moves',
      model: 'stock.move',
      link: { kind: 'children', field: 'picking_id' },
      fields: [
        'id',
        'reference',
        'product_id',
        'product_uom_qty',
        'quantity',
        'product_uom',
        'state',
        'date',
        'date_deadline',
        'origin',
        'picking_id',
        'location_id',
        'location_dest_id',
        'sale_line_id',
        'purchase_line_id',
        'write_date',
      ],
    },
  ],
};
