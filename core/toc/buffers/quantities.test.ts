import { describe, expect, it } from 'vitest';
import { isAtLeast, isGreater, percentOf, remainderOf, roundHalfUp, tidy } from './quantities.ts';

describe('quantities', () => {
  it('rounds half up, away from zero', () => {
    expect(roundHalfUp(2.5)).toBe(3);
    expect(roundHalfUp(2.4)).toBe(2);
    expect(roundHalfUp(-2.5)).toBe(-3);
    expect(roundHalfUp(12.5, 5)).toBe(15);
    expect(roundHalfUp(12.4, 5)).toBe(10);
  });

  it('is not fooled by binary noise just below the half', () => {
    // 1.005 is stored as 1.00499999999999989…; naive Math.round(x * 100) / 100 gives 1.
    expect(roundHalfUp(1.005, 0.01)).toBe(1.01);
    // 0.15 * 10 * 1 is 1.4999999999999998 in binary.
    expect(roundHalfUp(0.15 * 10)).toBe(2);
    expect(roundHalfUp(0.1 + 0.2, 0.1)).toBe(0.3);
  });

  it('compares with tolerance for noise only', () => {
    expect(isAtLeast(0.1 + 0.2, 0.3)).toBe(true);
    expect(isAtLeast(0.3, 0.1 + 0.2)).toBe(true);
    expect(isGreater(0.1 + 0.2, 0.3)).toBe(false);
    expect(isAtLeast(0.299, 0.3)).toBe(false);
    expect(isGreater(0.301, 0.3)).toBe(true);
  });

  it('tidies noise and negative zero', () => {
    expect(tidy(0.1 + 0.2)).toBe(0.3);
    expect(Object.is(tidy(-0), 0)).toBe(true);
  });

  it('percentages carry two decimals, 0 over an empty base', () => {
    expect(percentOf(117, 294)).toBe(39.8);
    expect(percentOf(1, 3)).toBe(33.33);
    expect(percentOf(2, 3)).toBe(66.67);
    expect(percentOf(5, 0)).toBe(0);
  });

  it('remainder snaps to 0 next to a multiple', () => {
    expect(remainderOf(177, 25)).toBe(2);
    expect(remainderOf(0.1 + 0.2, 0.1)).toBe(0);
    expect(remainderOf(0.7, 0.1)).toBe(0);
    expect(remainderOf(3.3, 1)).toBe(0.3);
  });
});
