import type { OdooDatabase } from '../../connectors/sandbox/odoo/database.ts';
import type { DemoData } from './generate.ts';

export interface OdooRefs {
  partners: Map<string, number>;
  products: Map<string, number>;
  stock: number;
  units: number;
  usd: number;
}

const at = (date: string, time = '08:00:00') => `${date} ${time}`;

function seedBasics(db: OdooDatabase) {
  const countries = {
    CN: db.create('res.country', { name: 'China', code: 'CN' }),
    US: db.create('res.country', { name: 'United States', code: 'US' }),
  };
  const usd = db.create('res.currency', { name: 'USD' });
  const units = db.create('uom.uom', { name: 'Units' });
  const stock = db.create('stock.location', { name: 'Stock', complete_name: 'WH/Stock', usage: 'internal' });
  const mto = db.create('stock.route', { name: 'Replenish on Order (MTO)' });
  db.create('ir.model.data', {
    module: 'stock',
    name: 'route_warehouse0_mto',
    model: 'stock.route',
    res_id: mto,
  });
  const calendar = db.create('resource.calendar', {
    name: 'Two shifts, Monday to Friday',
    tz: 'Asia/Shanghai',
    hours_per_day: 16,
  });
  for (const day of ['0', '1', '2', '3', '4'])
    for (const [period, from, to] of [
      ['morning', 6, 14],
      ['afternoon', 14, 22],
    ] as const)
      db.create('resource.calendar.attendance', {
        calendar_id: calendar,
        name: `Day ${day} ${period}`,
        dayofweek: day,
        day_period: period,
        hour_from: from,
        hour_to: to,
        week_type: false,
        display_type: false,
      });
  return { countries, usd, units, stock, mto, calendar };
}

/** The ERP side: work centers, items with routings, customers (other spellings), suppliers, orders, stock. */
export function seedOdoo(db: OdooDatabase, data: DemoData): OdooRefs {
  const basics = seedBasics(db);
  const workCenters = new Map<string, number>();
  for (const center of data.workCenters)
    workCenters.set(
      center.code,
      db.create('mrp.workcenter', {
        name: center.name,
        code: center.code,
        default_capacity: center.capacity,
        time_efficiency: 100,
        oee_target: 85,
        time_start: 0,
        time_stop: 0,
        costs_hour: center.constraint ? 180 : 60,
        resource_calendar_id: basics.calendar,
      }),
    );
  const products = new Map<string, number>();
  const templates = new Map<string, number>();
  for (const item of data.items) {
    const template = db.create('product.template', { name: item.name });
    templates.set(item.sku, template);
    const product = db.create('product.product', {
      name: item.name,
      default_code: item.sku,
      type: 'consu',
      is_storable: true,
      uom_id: basics.units,
      uom_po_id: basics.units,
      list_price: item.listPrice,
      standard_price: item.trulyVariableCost,
      route_ids: item.makeToOrder ? [basics.mto] : [],
      product_tmpl_id: template,
      active: true,
      barcode: false,
    });
    products.set(item.sku, product);
    if (item.routing.length === 0) continue;
    const bom = db.create('mrp.bom', {
      code: item.sku,
      product_tmpl_id: template,
      product_id: product,
      product_qty: 1,
      product_uom_id: basics.units,
      type: 'normal',
      consumption: 'flexible',
      active: true,
    });
    item.routing.forEach((step, index) => {
      db.create('mrp.routing.workcenter', {
        bom_id: bom,
        sequence: (index + 1) * 10,
        name: data.workCenters.find((center) => center.code === step.workCenter)!.name,
        workcenter_id: workCenters.get(step.workCenter),
        time_mode: 'manual',
        time_cycle_manual: step.minutesPerUnit,
        time_cycle: step.minutesPerUnit,
      });
    });
    const material = products.get(`RM-${item.sku.split('-')[2]}-BAR`);
    if (material)
      db.create('mrp.bom.line', {
        bom_id: bom,
        sequence: 1,
        product_id: material,
        product_qty: 1,
        product_uom_id: basics.units,
      });
  }
  const partners = new Map<string, number>();
  for (const company of data.companies) {
    if (!company.erpName) continue;
    partners.set(
      company.key,
      db.create('res.partner', {
        name: company.erpName,
        is_company: true,
        company_type: 'company',
        customer_rank: 1,
        supplier_rank: 0,
        vat: company.vat,
        email: `purchasing@${company.domain}`,
        phone: company.phone,
        street: company.street,
        city: company.city,
        country_id: basics.countries[company.country as 'CN' | 'US'],
      }),
    );
  }
  for (const supplier of data.suppliers)
    partners.set(
      supplier.key,
      db.create('res.partner', {
        name: supplier.name,
        is_company: true,
        company_type: 'company',
        customer_rank: 0,
        supplier_rank: 1,
        vat: supplier.vat,
        email: supplier.email,
        phone: supplier.phone,
        city: supplier.city,
        country_id: basics.countries.CN,
      }),
    );
  const refs: OdooRefs = { partners, products, stock: basics.stock, units: basics.units, usd: basics.usd };
  seedVendorLines(db, data, refs, templates);
  seedOrders(db, data, refs);
  return refs;
}

function seedOrders(db: OdooDatabase, data: DemoData, refs: OdooRefs) {
  const made = new Map(data.items.map((item) => [item.sku, item]));
  let production = 0;
  for (const order of data.salesOrders) {
    const lines = order.lines.map((line, index) => [
      0,
      0,
      {
        sequence: (index + 1) * 10,
        display_type: false,
        product_id: refs.products.get(line.sku),
        name: made.get(line.sku)!.name,
        product_uom_qty: line.quantity,
        qty_delivered: 0,
        price_unit: line.unitPrice,
        product_uom: refs.units,
        customer_lead: 0,
      },
    ]);
    db.create('sale.order', {
      name: order.number,
      partner_id: refs.partners.get(order.customer),
      state: 'sale',
      date_order: at(order.orderDate),
      commitment_date: at(order.commitmentDate, '12:00:00'),
      currency_id: refs.usd,
      client_order_ref: order.number,
      order_line: lines,
    });
    for (const line of order.lines.filter((candidate) => made.get(candidate.sku)!.makeToOrder)) {
      production += 1;
      db.create('mrp.production', {
        name: `WH/MO/${String(production).padStart(5, '0')}`,
        product_id: refs.products.get(line.sku),
        product_qty: line.quantity,
        product_uom_id: refs.units,
        state: 'confirmed',
        priority: '0',
        date_start: at(order.orderDate),
        date_deadline: at(order.commitmentDate, '12:00:00'),
        origin: order.number,
      });
    }
  }
  for (const order of data.purchaseOrders) {
    const lines = order.lines.map((line, index) => [
      0,
      0,
      {
        sequence: (index + 1) * 10,
        display_type: false,
        product_id: refs.products.get(line.sku),
        name: line.sku,
        product_qty: line.quantity,
        qty_received: 0,
        price_unit: line.unitPrice,
        product_uom: refs.units,
        date_planned: at(order.promisedDate, '12:00:00'),
      },
    ]);
    db.create('purchase.order', {
      name: order.number,
      partner_id: refs.partners.get(order.supplier),
      partner_ref: order.number,
      state: 'purchase',
      date_order: at(order.orderDate),
      date_planned: at(order.promisedDate, '12:00:00'),
      currency_id: refs.usd,
      receipt_status: 'pending',
      order_line: lines,
    });
  }
  for (const level of data.stock)
    db.create('stock.quant', {
      product_id: refs.products.get(level.sku),
      location_id: refs.stock,
      quantity: level.onHand,
      reserved_quantity: 0,
      available_quantity: level.onHand,
    });
}

/** Bars come from the mill in bundles: a smallest order, which DDMRP's green zone and replenishment round to. */
const BAR_MINIMUMS = [200, 250, 500];

/** Each purchased item's vendor line: its supplier (round robin), lead time, price and minimum order. */
function seedVendorLines(
  db: OdooDatabase,
  data: DemoData,
  refs: OdooRefs,
  templates: Map<string, number>,
): void {
  data.items
    .filter((item) => item.purchased)
    .forEach((item, index) => {
      const supplier = data.suppliers[index % data.suppliers.length]!;
      db.create('product.supplierinfo', {
        partner_id: refs.partners.get(supplier.key),
        product_tmpl_id: templates.get(item.sku),
        product_id: false,
        min_qty: BAR_MINIMUMS[index % BAR_MINIMUMS.length],
        price: item.trulyVariableCost,
        delay: supplier.leadTimeDays,
        sequence: 1,
        product_uom: refs.units,
        currency_id: refs.usd,
      });
    });
}
