import { describe, expect, it } from 'vitest';
import { bufferParams, computeBuffers, reservedDemand } from './buffer-board.ts';
import type { OpenLine } from './demand.ts';
import { fakeGoldenDb } from './fake-golden-db.ts';

const pcs = (value: number) => ({ value, uom: 'pcs' });
const bolt = {
  id: 'I1',
  body: {
    sku: 'BOLT',
    name: 'Bolt',
    uom: 'pcs',
    type: 'purchased',
    replenishment: 'make_to_stock',
    leadTimeDays: 10,
  },
};
const stock = (onHand: number, allocated: number) => ({
  id: 'S1',
  body: { itemId: 'I1', location: 'WH', onHand: pcs(onHand), allocated: pcs(allocated), onOrder: pcs(0) },
});
const order = (id: string, quantity: number, dueDate: string) => ({
  id,
  body: {
    customerId: 'C',
    status: 'confirmed',
    orderDate: '2024-05-20',
    currency: 'EUR',
    lines: [{ itemId: 'I1', quantity: pcs(quantity), dueDate }],
  },
});

async function boltStatus(onHand: number, allocated: number, orders: Array<ReturnType<typeof order>>) {
  const db = fakeGoldenDb({ item: [bolt], stock_level: [stock(onHand, allocated)], sales_order: orders });
  const { result } = await computeBuffers(db, bufferParams.parse({ asOf: '2024-06-03' }));
  return result.items[0]!;
}

describe('computeBuffers: net flow position from the golden records', () => {
  it('counts open demand that is past due in the qualified demand', async () => {
    // 7 bolts were due two days ago and are still open; nothing is reserved.
    const status = await boltStatus(100, 0, [order('SO-LATE', 7, '2024-06-01')]);
    expect(status.qualifiedDemand).toBe(7);
    expect(status.nfp).toBe(93);
  });

  it('does not subtract stock reserved for an open order twice (as allocated and as its demand)', async () => {
    // 10 of the 100 on hand are reserved for the open order of 10 due today: NFP = 100 − 10.
    const status = await boltStatus(100, 10, [order('SO-1', 10, '2024-06-03')]);
    expect(status.qualifiedDemand).toBe(0);
    expect(status.nfp).toBe(90);
  });

  it('counts the unreserved rest of a partly reserved order once', async () => {
    // 4 reserved of 10 due today: 100 − 4 allocated − 6 unreserved demand.
    const status = await boltStatus(100, 4, [order('SO-1', 10, '2024-06-03')]);
    expect(status.qualifiedDemand).toBe(6);
    expect(status.nfp).toBe(90);
  });
});

describe('reservedDemand', () => {
  const line = (quantity: number, dueDate: string | undefined): OpenLine => ({
    salesOrderId: 'SO',
    orderNumber: undefined,
    lineIndex: 0,
    itemId: 'I1',
    quantity,
    dueDate,
    orderDate: '2024-05-20',
  });

  it('hands the allocated quantity out over the lines, earliest due date first', () => {
    const lines = [line(5, '2024-06-10'), line(8, '2024-06-01'), line(3, undefined), line(4, '2024-06-05')];
    expect(reservedDemand(lines, 10)).toEqual([
      { date: '2024-06-01', quantity: 8, reserved: 8 },
      { date: '2024-06-05', quantity: 4, reserved: 2 },
      { date: '2024-06-10', quantity: 5 },
    ]);
  });

  it('reserves nothing when nothing is allocated, and no more than a line holds', () => {
    expect(reservedDemand([line(5, '2024-06-10')], 0)).toEqual([{ date: '2024-06-10', quantity: 5 }]);
    expect(reservedDemand([line(5, '2024-06-10')], 50)).toEqual([
      { date: '2024-06-10', quantity: 5, reserved: 5 },
    ]);
  });
});
