import { describe, expect, it } from 'vitest';
import { computeQualifiedDemand, unreservedQuantity } from './qualified-demand.ts';

// Red zone 90 → default spike threshold 45; horizon of 10 days from 2026-03-16.
const window = { asOf: '2026-03-16', horizonEnd: '2026-03-26', spikeThreshold: 45 };

describe('computeQualifiedDemand', () => {
  it('always counts past-due and today demand, whatever its size', () => {
    const demand = [
      { date: '2026-01-02', quantity: 3 },
      { date: '2026-03-15', quantity: 4 },
      { date: '2026-03-16', quantity: 5 },
    ];
    expect(computeQualifiedDemand(demand, window)).toBe(12);
  });

  it('counts a later day only when its total reaches the threshold', () => {
    expect(computeQualifiedDemand([{ date: '2026-03-20', quantity: 44 }], window)).toBe(0);
    expect(computeQualifiedDemand([{ date: '2026-03-20', quantity: 44.99 }], window)).toBe(0);
    expect(computeQualifiedDemand([{ date: '2026-03-20', quantity: 45 }], window)).toBe(45);
  });

  it('judges the day total, not the single line', () => {
    const sameDay = [
      { date: '2026-03-20', quantity: 20 },
      { date: '2026-03-20', quantity: 25 },
      { date: '2026-03-21', quantity: 30 },
    ];
    expect(computeQualifiedDemand(sameDay, window)).toBe(45);
  });

  it('a threshold reached only through floating-point sums still qualifies', () => {
    const lines = [
      { date: '2026-03-18', quantity: 0.1 },
      { date: '2026-03-18', quantity: 0.2 },
    ];
    expect(computeQualifiedDemand(lines, { ...window, spikeThreshold: 0.3 })).toBe(0.3);
  });

  it('the horizon end is included, the day after is not', () => {
    const lines = [
      { date: '2026-03-26', quantity: 100 },
      { date: '2026-03-27', quantity: 1000 },
    ];
    expect(computeQualifiedDemand(lines, window)).toBe(100);
  });

  it('leaves reserved quantities out (they are in reservedOutgoing)', () => {
    expect(unreservedQuantity({ date: '2026-03-16', quantity: 30, reserved: true })).toBe(0);
    expect(unreservedQuantity({ date: '2026-03-16', quantity: 30, reserved: false })).toBe(30);
    expect(unreservedQuantity({ date: '2026-03-16', quantity: 30, reserved: 10 })).toBe(20);
    const lines = [
      { date: '2026-03-16', quantity: 30, reserved: true },
      { date: '2026-03-16', quantity: 12, reserved: 2 },
      // 50 ordered, 10 reserved: the unreserved 40 is below the 45 threshold.
      { date: '2026-03-20', quantity: 50, reserved: 10 },
    ];
    expect(computeQualifiedDemand(lines, window)).toBe(10);
  });
});
