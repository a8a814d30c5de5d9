import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { CanonicalEntity } from '../../../core/connector/index.ts';
import {
  applyMapping,
  compileMapping,
  loadDefaultMapping,
  type ReferenceResolver,
} from '../../../core/mapping/index.ts';
import { validateEntity } from '../../../core/model/index.ts';

const fixtures = new URL('../../../connectors/erpnext/__fixtures__/', import.meta.url);
const doc = (name: string) =>
  (JSON.parse(readFileSync(new URL(`${name}.json`, fixtures), 'utf8')) as { data: Record<string, unknown> })
    .data;

const resolver: ReferenceResolver = {
  toCanonical: (entity, id) => `${entity}:${id}`,
  toExternal: (_entity, id) => id.slice(id.indexOf(':') + 1),
};

// Documents as the connector reads them (list rows, or the full document for child tables).
const samples: Record<string, Record<string, unknown>> = {
  customers: (
    JSON.parse(readFileSync(new URL('customers-page1.json', fixtures), 'utf8')) as {
      data: Array<Record<string, unknown>>;
    }
  ).data[0],
  suppliers: doc('supplier'),
  items: doc('item'),
  sales_orders: doc('sales-order-submitted'),
  purchase_orders: doc('purchase-order'),
  stock_levels: doc('bin'),
  work_orders: doc('work-order'),
  work_centers: doc('workstation'),
  routings: doc('bom'),
};

async function mapIn(stream: string) {
  const definition = await loadDefaultMapping('erpnext', stream, 'in');
  const result = await applyMapping(compileMapping(definition), structuredClone(samples[stream]), {
    resolver,
  });
  expect(result.errors).toEqual([]);
  return { entity: definition.entity as CanonicalEntity, value: result.value };
}

describe('erpnext default mappings', () => {
  for (const stream of Object.keys(samples)) {
    it(`maps a ${stream} document to a valid canonical record`, async () => {
      const { entity, value } = await mapIn(stream);
      expect(() => validateEntity(entity, value, String(samples[stream].name))).not.toThrow();
    });
  }

  it('derives capacity, run time per unit and allocated stock from the documents', async () => {
    expect((await mapIn('work_centers')).value).toMatchObject({ code: 'Press 1', minutesPerDay: 480 });
    const routing = (await mapIn('routings')).value as { operations: Array<{ runMinutesPerUnit: number }> };
    expect(routing.operations.map((operation) => operation.runMinutesPerUnit)).toEqual([2, 15]);
    expect((await mapIn('stock_levels')).value).toMatchObject({
      onHand: { value: 40 },
      allocated: { value: 10 },
      onOrder: { value: 25 },
    });
  });

  for (const stream of [
    'customers',
    'suppliers',
    'items',
    'sales_orders',
    'purchase_orders',
    'work_orders',
  ]) {
    it(`maps the canonical ${stream} record back to an ERPNext document`, async () => {
      const { value: canonical } = await mapIn(stream);
      const definition = await loadDefaultMapping('erpnext', stream, 'out');
      const result = await applyMapping(compileMapping(definition), canonical, { resolver });
      expect(result.errors).toEqual([]);
      expect(Object.keys(result.value).length).toBeGreaterThan(1);
    });
  }

  it("reads a sales order's Delivery Date as its promise date, which a reschedule in ERPNext moves", async () => {
    const { value } = await mapIn('sales_orders');
    expect(value).toMatchObject({ promiseDate: '2026-12-01' });
    expect(value).not.toHaveProperty('requestedDate');
  });

  it('round-trips a sales order to the fields and item rows ERPNext expects', async () => {
    const { value: canonical } = await mapIn('sales_orders');
    const definition = await loadDefaultMapping('erpnext', 'sales_orders', 'out');
    const { value } = await applyMapping(compileMapping(definition), canonical, { resolver });
    expect(value).toEqual({
      customer: 'CUST-2026-00001',
      po_no: 'SAL-ORD-2026-00001',
      transaction_date: '2026-11-21',
      delivery_date: '2026-12-01',
      currency: 'CNY',
      items: [{ item_code: 'HUB-001', qty: 10, uom: 'Nos', rate: 12.5, delivery_date: '2026-12-01' }],
    });
  });
});
