import { describe, expect, it } from 'vitest';
import type { PurchaseOrder } from '../../core/model/orders.ts';
import { type CsvDraft, matchArrivals } from './csv-drafts.ts';

const draft = (id: string, at: number, lines: Array<[string, number]>): CsvDraft => ({
  id,
  at,
  body: {
    supplierId: 'supplier',
    status: 'draft',
    orderDate: '2026-12-01',
    currency: 'EUR',
    lines: lines.map(([itemId, value]) => ({ itemId, quantity: { value, uom: 'pcs' } })),
  } as PurchaseOrder,
});
const day = (n: number) => Date.parse(`2026-12-${String(n).padStart(2, '0')}T08:00:00Z`);

describe('matchArrivals', () => {
  it('completes a line once the arrivals after its draft cover its quantity', () => {
    const received = matchArrivals(
      [draft('po-1', day(1), [['bolt', 300]])],
      [
        { itemId: 'bolt', at: day(3), quantity: 100 },
        { itemId: 'bolt', at: day(5), quantity: 250 },
      ],
    );
    expect(received.get('po-1')).toEqual([{ quantity: 300, completedOn: '2026-12-05' }]);
  });

  it('does not count arrivals from before the draft, nor those of other items', () => {
    const received = matchArrivals(
      [draft('po-1', day(2), [['bolt', 300]])],
      [
        { itemId: 'bolt', at: day(1), quantity: 500 },
        { itemId: 'nut', at: day(3), quantity: 500 },
        { itemId: 'bolt', at: day(3), quantity: 40 },
      ],
    );
    expect(received.get('po-1')).toEqual([{ quantity: 40 }]);
  });

  it('counts each arrival once, for the oldest drafts first', () => {
    const received = matchArrivals(
      [draft('po-2', day(2), [['bolt', 100]]), draft('po-1', day(1), [['bolt', 100]])],
      [{ itemId: 'bolt', at: day(3), quantity: 150 }],
    );
    expect(received.get('po-1')).toEqual([{ quantity: 100, completedOn: '2026-12-03' }]);
    expect(received.get('po-2')).toEqual([{ quantity: 50 }]);
  });
});
