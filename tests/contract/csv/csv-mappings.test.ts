import { copyFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isCsvRowError } from '../../../connectors/csv/index.ts';
import type { CanonicalEntity } from '../../../core/connector/types.ts';
import {
  applyMapping,
  compileMapping,
  createMemoryReferenceResolver,
  loadDefaultMapping,
} from '../../../core/mapping/index.ts';
import { validateEntity } from '../../../core/model/index.ts';
import { makeConfig, makeFolder, readAll } from './harness.ts';

const fixtures = new URL('../../../connectors/csv/__fixtures__/', import.meta.url);
const fixtureFiles = ['suppliers.csv', 'po_confirmations.csv', 'receipts.csv', 'stock_levels_gbk.csv'];

const resolver = createMemoryReferenceResolver();
resolver.link('supplier', 'SUP-001', 'supplier-acme');
resolver.link('item', 'BR-100', 'item-br-100');
resolver.link('item', 'BR-200', 'item-br-200');
resolver.link('purchase_order', '4500012345', 'po-4500012345');

async function supplierPortal() {
  const folder = await makeFolder();
  for (const name of fixtureFiles) await copyFile(new URL(name, fixtures), join(folder, name));
  const streams = JSON.parse(await readFile(new URL('supplier-portal.streams.json', fixtures), 'utf8'));
  return makeConfig(folder, { streams });
}

/** Reads the stream's fixture file through the connector, then maps and validates each record. */
async function importAndMap(stream: string) {
  const config = await supplierPortal();
  const records = (await readAll(config, stream)).flatMap((page) => page.records);
  expect(records.filter(isCsvRowError)).toEqual([]);
  const mapping = await loadDefaultMapping('csv', stream, 'in');
  const compiled = compileMapping(mapping);
  return Promise.all(
    records.map(async (record) => {
      const result = await applyMapping(compiled, record, { resolver });
      expect(result.errors).toEqual([]);
      expect(result.pendingRefs).toEqual([]);
      return validateEntity(mapping.entity as CanonicalEntity, result.value);
    }),
  );
}

describe('default CSV mappings for supplier files', () => {
  it('maps a supplier row', async () => {
    expect(await importAndMap('suppliers')).toEqual([
      {
        name: 'Acme Components GmbH',
        taxId: 'DE123456789',
        email: 'orders@acme.example',
        phone: '+49401234567',
        currency: 'EUR',
        leadTimeDays: 14,
        address: { street: 'Hafenstraße 1', city: 'Hamburg', postalCode: '20457', country: 'DE' },
        active: true,
      },
    ]);
  });

  it('maps an order confirmation (rows grouped per order, decimal commas, dotted dates)', async () => {
    expect(await importAndMap('purchase_orders')).toEqual([
      {
        number: '4500012345',
        supplierId: 'supplier-acme',
        status: 'confirmed',
        orderDate: '2025-01-08',
        currency: 'EUR',
        lines: [
          {
            lineNo: 10,
            itemId: 'item-br-100',
            quantity: { value: 1200, uom: 'Stk' },
            unitPrice: { amountMinor: 1235, currency: 'EUR' },
            promisedDate: '2025-02-03',
          },
          { lineNo: 20, itemId: 'item-br-200', quantity: { value: 5, uom: 'Stk' } },
        ],
      },
    ]);
  });

  it('maps a goods receipt to an inbound shipment', async () => {
    expect(await importAndMap('receipts')).toEqual([
      {
        number: 'GR-7001',
        direction: 'inbound',
        purchaseOrderId: 'po-4500012345',
        partnerId: 'supplier-acme',
        status: 'done',
        doneDate: '2025-02-04',
        lines: [
          { itemId: 'item-br-100', quantity: { value: 40, uom: 'pcs' } },
          { itemId: 'item-br-200', quantity: { value: 5, uom: 'pcs' } },
        ],
      },
    ]);
  });

  it('maps a GBK stock file with Chinese headers', async () => {
    expect(await importAndMap('stock_levels')).toEqual([
      {
        itemId: 'item-br-100',
        location: '上海一号仓',
        onHand: { value: 1200, uom: '件' },
        allocated: { value: 300, uom: '件' },
        onOrder: { value: 0, uom: '件' },
      },
    ]);
  });

  it('maps a canonical purchase order to export rows', async () => {
    const [order] = await importAndMap('purchase_orders');
    const mapping = await loadDefaultMapping('csv', 'purchase_orders_export', 'out');
    const result = await applyMapping(compileMapping(mapping), order, { resolver });
    expect(result.errors).toEqual([]);
    expect(result.value).toEqual({
      number: '4500012345',
      supplierCode: 'SUP-001',
      orderDate: '2025-01-08',
      currency: 'EUR',
      lines: [
        { lineNo: 10, sku: 'BR-100', quantity: 1200, uom: 'Stk', promisedDate: '2025-02-03' },
        { lineNo: 20, sku: 'BR-200', quantity: 5, uom: 'Stk' },
      ],
    });
  });
});
