import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openEmbeddedStore } from '../../../tests/support/drivers.ts';
import type { Store } from '../../store/index.ts';
import { bufferParams, computeBuffers, reservedDemand } from './buffer-board.ts';
import type { OpenLine } from './demand.ts';
import { clearGolden, purchasedBolt, seedGolden } from './golden-fixture.ts';

const boltId = randomUUID();
const customerId = randomUUID();
const pcs = (value: number) => ({ value, uom: 'pcs' });
const customer = { id: customerId, body: { name: 'Acme' } };
const bolt = purchasedBolt(boltId);
const stock = (onHand: number, allocated: number) => ({
  id: randomUUID(),
  body: { itemId: boltId, location: 'WH', onHand: pcs(onHand), allocated: pcs(allocated), onOrder: pcs(0) },
});
const order = (number: string, quantity: number, dueDate: string) => ({
  id: randomUUID(),
  body: {
    number,
    customerId,
    status: 'confirmed',
    orderDate: '2024-05-20',
    currency: 'EUR',
    lines: [{ itemId: boltId, quantity: pcs(quantity), dueDate }],
  },
});

describe('computeBuffers: net flow position from the golden records', () => {
  let store: Store;
  beforeAll(async () => {
    store = await openEmbeddedStore();
  });
  afterEach(async () => {
    await clearGolden(store.db);
  });
  afterAll(async () => {
    await store.close();
  });

  async function boltStatus(onHand: number, allocated: number, orders: Array<ReturnType<typeof order>>) {
    await seedGolden(store.db, {
      customer: [customer],
      item: [bolt],
      stock_level: [stock(onHand, allocated)],
      sales_order: orders,
    });
    const { result, refs } = await computeBuffers(store.db, bufferParams.parse({ asOf: '2024-06-03' }));
    expect(result.items).toHaveLength(1);
    const status = result.items[0]!;
    expect(refs[status.id]).toBe(boltId);
    return status;
  }

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

describe('computeBuffers: minimum order quantity and order multiple from the item', () => {
  let store: Store;
  beforeAll(async () => {
    store = await openEmbeddedStore();
  });
  afterAll(async () => {
    await store.close();
  });

  /** 600 bolts shipped within the 30-day window: ADU 20, DLT 10, 12 on hand, `onOrder` without a synced order. */
  async function boltBuffer(orderRules: Record<string, number>, onOrder = 0) {
    const used = order('SO-USED', 600, '2024-05-20');
    await clearGolden(store.db);
    await seedGolden(store.db, {
      customer: [customer],
      item: [{ id: boltId, body: { ...bolt.body, ...orderRules } }],
      stock_level: [
        {
          id: randomUUID(),
          body: { itemId: boltId, location: 'WH', onHand: pcs(12), allocated: pcs(0), onOrder: pcs(onOrder) },
        },
      ],
      sales_order: [{ ...used, body: { ...used.body, status: 'shipped' } }],
    });
    const { input, result } = await computeBuffers(store.db, bufferParams.parse({ asOf: '2024-06-03' }));
    return { input: input.items[0]!, status: result.items[0]! };
  }

  it('sizes the green zone to the MOQ when it exceeds ADU × DLT × lead-time factor, and orders in multiples', async () => {
    // Red 100 + 50, yellow 200, green max(20 × 10 × 0.5, 500) = 500: top of green 850.
    const { input, status } = await boltBuffer({ minimumOrderQuantity: 500, orderMultiple: 40 });
    expect(input).toMatchObject({ moq: 500, qtyMultiple: 40 });
    expect(status.zones.green).toBe(500);
    // 850 − 12 = 838, up to the next multiple of 40.
    expect(status.recommendedQty).toBe(840);
  });

  it('raises an order below the MOQ to it, then up to the order multiple', async () => {
    // 600 on order: 850 − 12 − 600 = 238, below the MOQ: 500, up to a multiple of 40.
    const { status } = await boltBuffer({ minimumOrderQuantity: 500, orderMultiple: 40 }, 600);
    expect(status.recommendedQty).toBe(520);
  });

  it('orders the computed quantity for an item without either', async () => {
    const { input, status } = await boltBuffer({});
    expect(input).toMatchObject({ moq: 0 });
    expect(input).not.toHaveProperty('qtyMultiple');
    expect(status.zones.green).toBe(100);
    expect(status.recommendedQty).toBe(438);
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
