import { odooStreams } from '../../odoo/streams/index.ts';
import type { OdooRelation } from '../../odoo/streams/types.ts';

/** How a field is stored and shown: many2one as [id, display name], x2many as lists of ids. */
export type FieldDef =
  | { type: 'many2one'; relation: string }
  /** `via`: the children point at what the record's many2one `via` points at (a variant's vendor lines are its template's). */
  | { type: 'one2many'; relation: string; inverse: string; via?: string }
  | { type: 'many2many'; relation: string }
  | { type: 'char' | 'integer' | 'float' | 'boolean' | 'datetime' | 'date' | 'selection' };

export interface ModelDef {
  description: string;
  fields: Record<string, FieldDef>;
  /** Fields a create must set (ValidationError otherwise), with their labels. */
  required: Record<string, string>;
}

const m2o = (relation: string): FieldDef => ({ type: 'many2one', relation });
const o2m = (relation: string, inverse: string, via?: string): FieldDef =>
  via ? { type: 'one2many', relation, inverse, via } : { type: 'one2many', relation, inverse };
const m2m = (relation: string): FieldDef => ({ type: 'many2many', relation });

/** Relational fields per model; every other field the connector reads is a plain value. */
const relational: Record<string, Record<string, FieldDef>> = {
  'res.partner': {
    parent_id: m2o('res.partner'),
    state_id: m2o('res.country.state'),
    country_id: m2o('res.country'),
    property_payment_term_id: m2o('account.payment.term'),
    property_supplier_payment_term_id: m2o('account.payment.term'),
  },
  'product.product': {
    uom_id: m2o('uom.uom'),
    uom_po_id: m2o('uom.uom'),
    categ_id: m2o('product.category'),
    route_ids: m2m('stock.route'),
    seller_ids: o2m('product.supplierinfo', 'product_tmpl_id', 'product_tmpl_id'),
    product_tmpl_id: m2o('product.template'),
  },
  'product.supplierinfo': {
    partner_id: m2o('res.partner'),
    product_tmpl_id: m2o('product.template'),
    product_id: m2o('product.product'),
    product_uom: m2o('uom.uom'),
    currency_id: m2o('res.currency'),
  },
  'sale.order': {
    partner_id: m2o('res.partner'),
    partner_shipping_id: m2o('res.partner'),
    currency_id: m2o('res.currency'),
    order_line: o2m('sale.order.line', 'order_id'),
    picking_ids: o2m('stock.picking', 'sale_id'),
  },
  'sale.order.line': {
    order_id: m2o('sale.order'),
    product_id: m2o('product.product'),
    product_uom: m2o('uom.uom'),
  },
  'purchase.order': {
    partner_id: m2o('res.partner'),
    currency_id: m2o('res.currency'),
    order_line: o2m('purchase.order.line', 'order_id'),
    picking_ids: o2m('stock.picking', 'purchase_id'),
  },
  'purchase.order.line': {
    order_id: m2o('purchase.order'),
    product_id: m2o('product.product'),
    product_uom: m2o('uom.uom'),
  },
  'stock.quant': {
    product_id: m2o('product.product'),
    location_id: m2o('stock.location'),
    lot_id: m2o('stock.lot'),
  },
  'stock.picking': {
    partner_id: m2o('res.partner'),
    picking_type_id: m2o('stock.picking.type'),
    location_id: m2o('stock.location'),
    location_dest_id: m2o('stock.location'),
    move_ids: o2m('stock.move', 'picking_id'),
    sale_id: m2o('sale.order'),
    purchase_id: m2o('purchase.order'),
  },
  'stock.move': {
    product_id: m2o('product.product'),
    product_uom: m2o('uom.uom'),
    picking_id: m2o('stock.picking'),
    location_id: m2o('stock.location'),
    location_dest_id: m2o('stock.location'),
    sale_line_id: m2o('sale.order.line'),
    purchase_line_id: m2o('purchase.order.line'),
    raw_material_production_id: m2o('mrp.production'),
  },
  'mrp.workcenter': { resource_calendar_id: m2o('resource.calendar') },
  'resource.calendar': {
    attendance_ids: o2m('resource.calendar.attendance', 'calendar_id'),
    company_id: m2o('res.company'),
  },
  'resource.calendar.attendance': { calendar_id: m2o('resource.calendar') },
  'mrp.bom': {
    product_tmpl_id: m2o('product.template'),
    product_id: m2o('product.product'),
    product_uom_id: m2o('uom.uom'),
    bom_line_ids: o2m('mrp.bom.line', 'bom_id'),
    operation_ids: o2m('mrp.routing.workcenter', 'bom_id'),
  },
  'mrp.routing.workcenter': { bom_id: m2o('mrp.bom'), workcenter_id: m2o('mrp.workcenter') },
  'mrp.bom.line': {
    bom_id: m2o('mrp.bom'),
    product_id: m2o('product.product'),
    product_uom_id: m2o('uom.uom'),
    operation_id: m2o('mrp.routing.workcenter'),
  },
  'mrp.production': {
    product_id: m2o('product.product'),
    product_uom_id: m2o('uom.uom'),
    bom_id: m2o('mrp.bom'),
    workorder_ids: o2m('mrp.workorder', 'production_id'),
    move_raw_ids: o2m('stock.move', 'raw_material_production_id'),
  },
  'mrp.workorder': {
    production_id: m2o('mrp.production'),
    workcenter_id: m2o('mrp.workcenter'),
    operation_id: m2o('mrp.routing.workcenter'),
  },
};

const required: Record<string, Record<string, string>> = {
  'res.partner': {},
  'product.product': { name: 'Name' },
  'sale.order': { partner_id: 'Customer' },
  'purchase.order': { partner_id: 'Vendor' },
  'stock.quant': { product_id: 'Product', location_id: 'Location' },
  'mrp.production': { product_id: 'Product' },
};

const plainTypes: Record<string, FieldDef['type']> = {
  write_date: 'datetime',
  create_date: 'datetime',
  active: 'boolean',
  is_company: 'boolean',
  id: 'integer',
  sequence: 'integer',
  min_qty: 'float',
  price: 'float',
  delay: 'integer',
  factor: 'float',
};

/** Fields of look-up models that the connector reads besides id and name. */
const lookupFields: Record<string, string[]> = {
  'stock.location': ['usage', 'complete_name'],
  'uom.uom': ['factor'],
};

/** Models the streams read and their relations read, plus the look-up models around them. */
function collect(
  models: Map<string, Set<string>>,
  model: string,
  fields: string[],
  relations: OdooRelation[] = [],
) {
  const set = models.get(model) ?? new Set(['id', 'name', 'display_name', 'write_date', 'create_date']);
  for (const field of fields) set.add(field);
  models.set(model, set);
  for (const relation of relations) collect(models, relation.model, relation.fields, relation.relations);
}

function buildModels(): Record<string, ModelDef> {
  const fieldsByModel = new Map<string, Set<string>>();
  for (const stream of odooStreams) collect(fieldsByModel, stream.model, stream.fields, stream.relations);
  collect(fieldsByModel, 'ir.model.data', ['module', 'name', 'model', 'res_id']);
  collect(fieldsByModel, 'stock.quant', ['inventory_quantity']);
  collect(fieldsByModel, 'res.partner', ['supplier_rank', 'customer_rank']);
  for (const [model, fields] of Object.entries(relational))
    collect(fieldsByModel, model, Object.keys(fields));
  for (const lookup of [
    'res.currency',
    'uom.uom',
    'stock.route',
    'stock.location',
    'stock.picking.type',
    'product.template',
    'product.category',
    'res.country.state',
    'account.payment.term',
    'res.company',
    'stock.lot',
    'product.supplierinfo',
  ])
    collect(fieldsByModel, lookup, lookupFields[lookup] ?? []);
  const models: Record<string, ModelDef> = {};
  for (const [model, fields] of fieldsByModel) {
    const defs: Record<string, FieldDef> = {};
    for (const field of fields)
      defs[field] = relational[model]?.[field] ?? { type: plainTypes[field] ?? 'char' };
    models[model] = { description: model, fields: defs, required: required[model] ?? {} };
  }
  return models;
}

export const odooModels: Record<string, ModelDef> = buildModels();
