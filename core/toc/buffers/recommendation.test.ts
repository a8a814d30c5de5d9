import { describe, expect, it } from 'vitest';
import { applyOrderMultiple, recommendQuantity } from './recommendation.ts';
import type { BufferZones } from './zones.ts';

// TOR 90, TOY 210, TOG 294.
const zones: BufferZones = {
  redBase: 60,
  redSafety: 30,
  red: 90,
  yellow: 120,
  green: 84,
  topOfRed: 90,
  topOfYellow: 210,
  topOfGreen: 294,
};
const plain = { inProgress: 0, multipleTolerancePct: 0, moq: 0, minQty: 0 };

describe('recommendQuantity', () => {
  it('orders at or below top of yellow (Ptak & Smith), nothing above it', () => {
    expect(recommendQuantity(210, zones, plain)).toBe(84);
    expect(recommendQuantity(210.5, zones, plain)).toBe(0);
    // 0.1 + 0.2 is top of yellow 0.3 within floating-point noise: it orders 1 − 0.3.
    expect(recommendQuantity(0.1 + 0.2, { ...zones, topOfYellow: 0.3, topOfGreen: 1 }, plain)).toBe(0.7);
  });

  it('orders up to top of green below top of yellow', () => {
    expect(recommendQuantity(209, zones, plain)).toBe(85);
    expect(recommendQuantity(-10, zones, plain)).toBe(304);
  });

  it('subtracts the quantity already in progress, never below 0', () => {
    expect(recommendQuantity(117, zones, { ...plain, inProgress: 100 })).toBe(77);
    expect(recommendQuantity(117, zones, { ...plain, inProgress: 200 })).toBe(0);
  });

  it('rounds to the multiple by the tolerance, both ways', () => {
    const rules = { ...plain, qtyMultiple: 25, multipleTolerancePct: 10 };
    // 294 − 117 = 177: remainder 2 is within 10% of 25 (2.5) → down to 175.
    expect(recommendQuantity(117, zones, rules)).toBe(175);
    // 294 − 116.5 = 177.5: remainder exactly 2.5 does not exceed the tolerance → down.
    expect(recommendQuantity(116.5, zones, rules)).toBe(175);
    // 294 − 116 = 178: remainder 3 exceeds 2.5 → up to 200.
    expect(recommendQuantity(116, zones, rules)).toBe(200);
    // Without tolerance any remainder rounds up; an exact multiple stays.
    expect(recommendQuantity(117, zones, { ...rules, multipleTolerancePct: 0 })).toBe(200);
    expect(recommendQuantity(119, zones, { ...rules, multipleTolerancePct: 0 })).toBe(175);
  });

  it('raises to the minimum after the multiple, then rounds the minimum up to the multiple', () => {
    // With top of yellow at 300, NFP 292 needs 294 − 292 = 2: within the 2.5 tolerance it is
    // rounded down to 0, and only a minimum lifts it again: 10, rounded up to 25.
    const highYellow = { ...zones, topOfYellow: 300 };
    const rules = { ...plain, qtyMultiple: 25, multipleTolerancePct: 10 };
    expect(recommendQuantity(292, highYellow, rules)).toBe(0);
    expect(recommendQuantity(292, highYellow, { ...rules, minQty: 10 })).toBe(25);
    expect(recommendQuantity(117, zones, { ...plain, minQty: 500 })).toBe(500);
    expect(recommendQuantity(117, zones, { ...plain, minQty: 100 })).toBe(177);
  });

  it('never orders less than the MOQ or the minimum, whichever is larger', () => {
    // NFP 209 needs 85.
    expect(recommendQuantity(209, zones, { ...plain, moq: 100 })).toBe(100);
    expect(recommendQuantity(209, zones, { ...plain, moq: 100, minQty: 120 })).toBe(120);
    expect(recommendQuantity(209, zones, { ...plain, moq: 120, minQty: 100 })).toBe(120);
    // 85 rounds up to 90, still below the MOQ: 100 rounds up to 120.
    expect(recommendQuantity(209, zones, { ...plain, moq: 100, qtyMultiple: 30 })).toBe(120);
    // More than the MOQ is ordered as it is; no order is needed, none is made.
    expect(recommendQuantity(117, zones, { ...plain, moq: 100 })).toBe(177);
    expect(recommendQuantity(117, zones, { ...plain, moq: 100, inProgress: 200 })).toBe(0);
    expect(recommendQuantity(211, zones, { ...plain, moq: 100 })).toBe(0);
  });
});

describe('applyOrderMultiple', () => {
  it('is not fooled by floating-point remainders', () => {
    expect(applyOrderMultiple(0.1 + 0.2, 0.1, 0)).toBe(0.3);
    expect(applyOrderMultiple(0.7, 0.1, 0)).toBe(0.7);
    expect(applyOrderMultiple(0.71, 0.1, 0)).toBe(0.8);
  });
});
