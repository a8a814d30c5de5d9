import { describe, expect, it } from 'vitest';
import type { HubError } from '../errors/index.ts';
import { validateEntity } from './entities.ts';

function errorOf(fn: () => unknown): HubError {
  try {
    fn();
  } catch (error) {
    return error as HubError;
  }
  throw new Error('expected an error');
}

const order = {
  customerId: 'c-1',
  status: 'confirmed',
  orderDate: '2026-11-20',
  currency: 'EUR',
  lines: [
    { itemId: 'i-1', quantity: { value: 5, uom: 'pcs' }, unitPrice: { amountMinor: 1250, currency: 'EUR' } },
  ],
};

describe('canonical model validation', () => {
  it('accepts a valid sales order', () => {
    expect(validateEntity('sales_order', order).lines[0].quantity.value).toBe(5);
  });

  it('rejects a negative quantity naming the field path and the record', () => {
    const bad = { ...order, lines: [{ ...order.lines[0], quantity: { value: -1, uom: 'pcs' } }] };
    const error = errorOf(() => validateEntity('sales_order', bad, 'SO-7'));
    expect(error.kind).toBe('invalid_data');
    expect(error.fieldPath).toBe('lines.0.quantity.value');
    expect(error.message).toContain('SO-7');
    expect(error.message).toContain('lines.0.quantity.value');
  });

  it('rejects an unknown currency', () => {
    const error = errorOf(() => validateEntity('sales_order', { ...order, currency: 'XYZ' }));
    expect(error.fieldPath).toBe('currency');
    expect(error.message).toMatch(/ISO 4217/);
  });

  it('rejects an empty name', () => {
    const error = errorOf(() => validateEntity('customer', { name: '   ' }, 'acme'));
    expect(error.fieldPath).toBe('name');
    expect(error.message).toMatch(/empty/);
  });

  it('rejects free text far longer than any system stores, naming the field', () => {
    const street = 'Industriestrasse'.repeat(400);
    const error = errorOf(() => validateEntity('customer', { name: 'Acme', address: { street } }, 'acme'));
    expect(error.fieldPath).toBe('address.street');
    expect(error.message).toMatch(/acme.*at most 300 characters/);
  });

  it('rejects money given as a float of major units', () => {
    const error = errorOf(() =>
      validateEntity('item', {
        sku: 'A',
        name: 'A',
        uom: 'pcs',
        listPrice: { amountMinor: 12.5, currency: 'USD' },
      }),
    );
    expect(error.fieldPath).toBe('listPrice.amountMinor');
  });

  it("keeps an item's minimum order quantity and order multiple, in its unit of measure", () => {
    const item = validateEntity('item', {
      sku: 'BOLT-M8',
      name: 'Bolt M8',
      uom: 'pcs',
      minimumOrderQuantity: 500,
      orderMultiple: 2.5,
    });
    expect(item).toMatchObject({ minimumOrderQuantity: 500, orderMultiple: 2.5 });
  });

  it('rejects a minimum order quantity or an order multiple that is not positive, naming the field and the item', () => {
    const item = { sku: 'BOLT-M8', name: 'Bolt M8', uom: 'pcs' };
    const zero = errorOf(() => validateEntity('item', { ...item, minimumOrderQuantity: 0 }, 'BOLT-M8'));
    expect(zero.fieldPath).toBe('minimumOrderQuantity');
    expect(zero.message).toMatch(/BOLT-M8.*minimumOrderQuantity.*positive/);
    const negative = errorOf(() => validateEntity('item', { ...item, orderMultiple: -10 }, 'BOLT-M8'));
    expect(negative.fieldPath).toBe('orderMultiple');
    expect(negative.message).toMatch(/positive/);
  });
});
