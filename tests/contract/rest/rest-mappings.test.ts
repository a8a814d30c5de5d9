import { describe, expect, it } from 'vitest';
import {
  applyMapping,
  compileMapping,
  createMemoryReferenceResolver,
  loadDefaultMapping,
} from '../../../core/mapping/index.ts';
import { validateEntity } from '../../../core/model/index.ts';
import { fixture } from './harness.ts';

const resolver = createMemoryReferenceResolver();
resolver.link('supplier', 'SUP-001', 'supplier-acme');
resolver.link('item', 'BR-100', 'item-br-100');
resolver.link('item', 'BR-200', 'item-br-200');
resolver.link('purchase_order', 'PO-1001', 'po-1001');

async function mapIn(stream: string, record: unknown) {
  const mapping = await loadDefaultMapping('rest', stream, 'in');
  const result = await applyMapping(compileMapping(mapping), record, { resolver });
  expect(result.errors).toEqual([]);
  expect(result.pendingRefs).toEqual([]);
  return validateEntity(mapping.entity as 'supplier', result.value);
}

const first = (name: string) => fixture<{ data: unknown[] }>(name).data[0];

describe('default REST mappings for the supplier portal', () => {
  it('maps a supplier', async () => {
    expect(await mapIn('suppliers', fixture<{ data: unknown }>('supplier').data)).toEqual({
      name: 'Acme Components GmbH',
      taxId: 'DE123456789',
      email: 'orders@acme.example',
      phone: '+49401234567',
      currency: 'EUR',
      leadTimeDays: 14,
      address: { street: 'Hafenstraße 1', city: 'Hamburg', postalCode: '20457', country: 'DE' },
      active: true,
    });
  });

  it('maps a purchase order with promised dates per line', async () => {
    expect(await mapIn('purchase_orders', first('purchase-orders'))).toEqual({
      number: '4500012345',
      supplierId: 'supplier-acme',
      status: 'confirmed',
      orderDate: '2025-01-08',
      currency: 'EUR',
      lines: [
        {
          lineNo: 10,
          itemId: 'item-br-100',
          quantity: { value: 40, uom: 'pcs' },
          unitPrice: { amountMinor: 1235, currency: 'EUR' },
          promisedDate: '2025-02-03',
        },
        {
          lineNo: 20,
          itemId: 'item-br-200',
          quantity: { value: 5, uom: 'pcs' },
          receivedQuantity: { value: 2, uom: 'pcs' },
        },
      ],
    });
  });

  it('maps a goods receipt to an inbound shipment', async () => {
    expect(await mapIn('receipts', first('receipts'))).toEqual({
      number: 'GR-7001',
      direction: 'inbound',
      purchaseOrderId: 'po-1001',
      partnerId: 'supplier-acme',
      status: 'done',
      scheduledDate: '2025-02-03',
      doneDate: '2025-02-04',
      lines: [{ itemId: 'item-br-100', quantity: { value: 40, uom: 'pcs' } }],
    });
  });

  it('maps a stock level', async () => {
    expect(await mapIn('stock_levels', first('stock-levels'))).toEqual({
      itemId: 'item-br-100',
      location: 'SUP-001/Hamburg',
      onHand: { value: 1200, uom: 'pcs' },
      allocated: { value: 300, uom: 'pcs' },
      onOrder: { value: 0, uom: 'pcs' },
    });
  });

  it('maps a canonical purchase order back to the portal body', async () => {
    const canonical = await mapIn('purchase_orders', first('purchase-orders'));
    const mapping = await loadDefaultMapping('rest', 'purchase_orders', 'out');
    const result = await applyMapping(compileMapping(mapping), canonical, { resolver });
    expect(result.errors).toEqual([]);
    expect(result.value).toEqual({
      number: '4500012345',
      supplier_id: 'SUP-001',
      status: 'confirmed',
      order_date: '2025-01-08',
      currency: 'EUR',
      lines: [
        { line_no: 10, sku: 'BR-100', qty: 40, uom: 'pcs', unit_price: 12.35, promised_date: '2025-02-03' },
        { line_no: 20, sku: 'BR-200', qty: 5, uom: 'pcs' },
      ],
    });
  });
});
