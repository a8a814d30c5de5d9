import { describe, expect, it } from 'vitest';
import { toOdooValues } from '../../../connectors/odoo/values.ts';
import type { CanonicalEntity } from '../../../core/connector/index.ts';
import {
  applyMapping,
  compileMapping,
  loadDefaultMapping,
  type ReferenceResolver,
} from '../../../core/mapping/index.ts';
import { validateEntity } from '../../../core/model/index.ts';
import { loadFixture, resultOf } from './replay.ts';

type Row = Record<string, unknown> & { id: number };
const rows = (number: string) => resultOf(loadFixture(number)) as Row[];
const m2o = (value: unknown) => (Array.isArray(value) ? value[0] : undefined);

// Every reference is known: inbound "odoo:<id>", outbound the Odoo id again.
const resolver: ReferenceResolver = {
  toCanonical: (entity, id) => `${entity}:${id}`,
  toExternal: (_entity, id) => id.split(':').at(-1),
};

/** Records as the connector reads them: the recorded rows with their related rows attached. */
function samples(): Record<string, Row> {
  const supplier = rows('11')[0];
  const order = rows('15')[0];
  const purchase = rows('17')[0];
  const picking = rows('22')[0];
  const center = rows('24')[0];
  const calendar = { ...rows('25')[0], attendances: rows('26') };
  const bom = rows('27').find((candidate) => (candidate.operation_ids as number[]).length > 0)!;
  const variant = rows('12').find((product) => m2o(product.product_tmpl_id) === m2o(bom.product_tmpl_id));
  return {
    customers: { ...supplier, country: { id: 233, name: 'United States', code: 'US' } },
    suppliers: { ...supplier, country: { id: 233, name: 'United States', code: 'US' } },
    contacts: rows('40').find((partner) => partner.is_company === false)!,
    items: { ...rows('12').find((product) => product.default_code)!, make_to_order: true },
    sales_orders: { ...order, lines: rows('16').filter((line) => m2o(line.order_id) === order.id) },
    purchase_orders: { ...purchase, lines: rows('18').filter((line) => m2o(line.order_id) === purchase.id) },
    stock_levels: rows('19')[0],
    shipments: { ...picking, moves: rows('23').filter((move) => m2o(move.picking_id) === picking.id) },
    work_centers: { ...center, calendar },
    routings: {
      ...bom,
      variants: variant ? [variant] : [{ id: 99, product_tmpl_id: bom.product_tmpl_id }],
      operations: rows('29').filter((operation) => m2o(operation.bom_id) === bom.id),
    },
    work_orders: rows('30')[0],
  };
}

async function mapIn(stream: string, record: unknown) {
  const definition = await loadDefaultMapping('odoo', stream, 'in');
  const result = await applyMapping(compileMapping(definition), structuredClone(record), { resolver });
  expect(result.errors).toEqual([]);
  return { entity: definition.entity as CanonicalEntity, value: result.value };
}

describe('odoo default mappings', () => {
  for (const [stream, record] of Object.entries(samples())) {
    it(`maps a recorded ${stream} record to a valid canonical record`, async () => {
      const { entity, value } = await mapIn(stream, record);
      expect(() => validateEntity(entity, value, String(record.id))).not.toThrow();
    });
  }

  it('reads many2one ids, drops section lines and converts Odoo weekdays and units', async () => {
    const all = samples();
    const order = (await mapIn('sales_orders', all.sales_orders)).value as {
      customerId: string;
      lines: unknown[];
    };
    expect(order.customerId).toBe(`customer:${m2o(all.sales_orders.partner_id)}`);
    const lines = all.sales_orders.lines as Row[];
    expect(order.lines).toHaveLength(lines.filter((line) => line.display_type === false).length);
    const center = (await mapIn('work_centers', all.work_centers)).value as {
      minutesPerDay: number;
      calendar: { workingWeekdays: number[] };
    };
    expect(center.calendar.workingWeekdays).toEqual([1, 2, 3, 4, 5]);
    expect(center.minutesPerDay).toBe(480);
    expect((await mapIn('items', all.items)).value).toMatchObject({ replenishment: 'make_to_order' });
  });

  it("maps the primary vendor's minimum to minimumOrderQuantity, 0 or unread as none, and no order multiple", async () => {
    const { items } = samples();
    const { vendor_min_qty: _unread, ...withoutVendors } = items;
    const mapped = async (record: Row) => (await mapIn('items', record)).value as Record<string, unknown>;
    const withMinimum = await mapped({ ...items, vendor_min_qty: 12 });
    expect(withMinimum.minimumOrderQuantity).toBe(12);
    expect(withMinimum).not.toHaveProperty('orderMultiple');
    expect(() => validateEntity('item', withMinimum, String(items.id))).not.toThrow();
    expect(await mapped({ ...items, vendor_min_qty: 0 })).not.toHaveProperty('minimumOrderQuantity');
    expect(await mapped(withoutVendors)).not.toHaveProperty('minimumOrderQuantity');
  });

  for (const stream of [
    'customers',
    'suppliers',
    'items',
    'sales_orders',
    'purchase_orders',
    'work_orders',
  ]) {
    it(`maps the canonical ${stream} record back to Odoo values the connector accepts`, async () => {
      const { value: canonical } = await mapIn(stream, samples()[stream]);
      const definition = await loadDefaultMapping('odoo', stream, 'out');
      const result = await applyMapping(compileMapping(definition), canonical, { resolver });
      expect(result.errors).toEqual([]);
      expect(() => toOdooValues(result.value)).not.toThrow();
    });
  }

  it("reads Odoo's UTC datetimes as the day in the mapping's time zone (UTC unless overridden)", async () => {
    const order = {
      ...samples().sales_orders,
      date_order: '2026-11-30 23:30:00',
      commitment_date: '2026-12-04 16:00:00',
    };
    const dates = async (timeZone?: string) => {
      const definition = await loadDefaultMapping('odoo', 'sales_orders', 'in');
      const options = timeZone ? { ...definition.options, timeZone } : definition.options;
      const result = await applyMapping(compileMapping({ ...definition, options }), structuredClone(order), {
        resolver,
      });
      expect(result.errors).toEqual([]);
      return result.value as { orderDate: string; promiseDate: string };
    };
    expect(await dates()).toMatchObject({ orderDate: '2026-11-30', promiseDate: '2026-12-04' });
    expect(await dates('Asia/Shanghai')).toMatchObject({
      orderDate: '2026-12-01',
      promiseDate: '2026-12-05',
    });
    expect(await dates('America/Chicago')).toMatchObject({
      orderDate: '2026-11-30',
      promiseDate: '2026-12-04',
    });
  });

  it('writes a sales order as the recorded create does: partner id and line commands', async () => {
    const canonical = {
      customerId: 'customer:45',
      status: 'draft',
      orderDate: '2026-11-21',
      promiseDate: '2026-12-01',
      currency: 'USD',
      number: 'HUB-SO-TEST-1',
      lines: [
        {
          itemId: 'item:63',
          quantity: { value: 3, uom: 'Units' },
          unitPrice: { amountMinor: 9950, currency: 'USD' },
        },
      ],
    };
    const definition = await loadDefaultMapping('odoo', 'sales_orders', 'out');
    const result = await applyMapping(compileMapping(definition), canonical, { resolver });
    const recorded = (loadFixture('57').request.body.params.args[5] as unknown[])[0] as Record<
      string,
      unknown
    >;
    // The recording used 08:00; a canonical date is written as noon UTC.
    expect(toOdooValues(result.value)).toEqual({ ...recorded, commitment_date: '2026-12-01 12:00:00' });
  });
});
