/** Rounds half away from zero to `digits` decimals (money and percentages carry two). */
export function roundTo(value: number, digits = 2): number {
  const factor = 10 ** digits;
  const rounded = Math.round(Math.abs(value) * factor + Number.EPSILON * factor) / factor;
  return Math.sign(value) * rounded || 0;
}

/** Tolerance for sums of minutes and hours that should be whole but carry float noise. */
const NOISE = 1e-9;

/** Ceiling that ignores float noise: 2.0000000001 is 2, not 3. */
export function ceilSafe(value: number): number {
  return Math.ceil(value - NOISE);
}

/** Floor that ignores float noise: 2.9999999999 is 3, not 2. */
export function floorSafe(value: number): number {
  return Math.floor(value + NOISE);
}

/** `used` fits within `capacity` allowing only float noise. */
export function fitsWithin(used: number, capacity: number): boolean {
  return used <= capacity + NOISE * Math.max(1, Math.abs(capacity));
}
