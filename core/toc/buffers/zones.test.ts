import { describe, expect, it } from 'vitest';
import { computeZones, type ZoneParameters } from './zones.ts';

const base: ZoneParameters = {
  adu: 10,
  dltDays: 5,
  leadTimeFactor: 0.5,
  variabilityFactor: 0.5,
  moq: 0,
  orderCycleDays: 0,
  roundingUnit: 1,
  method: 'replenish',
};

describe('computeZones', () => {
  it('sizes red, yellow and green and stacks the tops', () => {
    // redBase 10×5×0.5 = 25; safety 25×0.5 = 12.5 → 13; yellow 50; green max(0, 25, 0) = 25.
    expect(computeZones(base)).toEqual({
      redBase: 25,
      redSafety: 13,
      red: 38,
      yellow: 50,
      green: 25,
      topOfRed: 38,
      topOfYellow: 88,
      topOfGreen: 113,
    });
  });

  it('takes red safety from the rounded red base', () => {
    // 1.3×4×0.5 = 2.6 → base 3; safety 3×0.5 = 1.5 → 2 (from the raw 2.6 it would be 1.3 → 1).
    const zones = computeZones({ ...base, adu: 1.3, dltDays: 4 });
    expect(zones.redBase).toBe(3);
    expect(zones.redSafety).toBe(2);
    expect(zones.red).toBe(5);
    // yellow 1.3×4 = 5.2 → 5
    expect(zones.yellow).toBe(5);
  });

  it('rounds each zone half-up to the rounding unit', () => {
    // 7×3×1 = 21 → 20 in fives; safety 20×0.5 = 10; yellow 21 → 20; green 21 → 20.
    const fives = computeZones({ ...base, adu: 7, dltDays: 3, leadTimeFactor: 1, roundingUnit: 5 });
    expect([fives.redBase, fives.redSafety, fives.yellow, fives.green]).toEqual([20, 10, 20, 20]);
    // 0.5×5×1 = 2.5 → 3 in whole units, 2.5 kept in hundredths.
    expect(computeZones({ ...base, adu: 0.5, leadTimeFactor: 1 }).redBase).toBe(3);
    expect(computeZones({ ...base, adu: 0.5, leadTimeFactor: 1, roundingUnit: 0.01 }).redBase).toBe(2.5);
  });

  it('green is the largest of order cycle, lead-time factor and MOQ', () => {
    expect(computeZones({ ...base, orderCycleDays: 7 }).green).toBe(70);
    expect(computeZones({ ...base, orderCycleDays: 2 }).green).toBe(25);
    expect(computeZones({ ...base, orderCycleDays: 7, moq: 90 }).green).toBe(90);
  });

  it('min_max has no yellow zone', () => {
    const zones = computeZones({ ...base, method: 'min_max' });
    expect(zones.yellow).toBe(0);
    expect(zones.topOfYellow).toBe(zones.topOfRed);
    expect(zones.topOfGreen).toBe(38 + 25);
  });

  it('an override replaces the computed zones', () => {
    const zones = computeZones({ ...base, zoneOverride: { red: 40, yellow: 60, green: 30 } });
    expect(zones).toEqual({
      redBase: 40,
      redSafety: 0,
      red: 40,
      yellow: 60,
      green: 30,
      topOfRed: 40,
      topOfYellow: 100,
      topOfGreen: 130,
    });
  });
});
