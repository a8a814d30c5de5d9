/**
 * Quantity arithmetic for the buffer engines. Binary floating point turns 2.5 into 2.4999… and
 * 0.1 + 0.2 into 0.30000000000000004; every rounding and every boundary test goes through these
 * helpers so such noise never flips a zone, a priority or a rounding direction.
 */

const RELATIVE_TOLERANCE = 1e-9;

function toleranceFor(...values: number[]): number {
  let scale = 1;
  for (const value of values) scale = Math.max(scale, Math.abs(value));
  return RELATIVE_TOLERANCE * scale;
}

const NOISE_SCALE = 1e9;
const SAFE_TO_SCALE = Number.MAX_SAFE_INTEGER / NOISE_SCALE;

/** Drops representation noise (beyond 9 decimals, or 15 significant digits) and negative zero. */
export function tidy(value: number): number {
  if (Number.isInteger(value)) return value === 0 ? 0 : value;
  const cleaned =
    Math.abs(value) < SAFE_TO_SCALE
      ? Math.round(value * NOISE_SCALE) / NOISE_SCALE
      : Number(value.toPrecision(15));
  return cleaned === 0 ? 0 : cleaned;
}

/** Rounds half away from zero to a multiple of `unit` (2.5 → 3, −2.5 → −3), noise-tolerant. */
export function roundHalfUp(value: number, unit = 1): number {
  const steps = value / unit;
  const magnitude = Math.floor(Math.abs(steps) + 0.5 + toleranceFor(steps));
  return tidy(Math.sign(steps) * magnitude * unit);
}

/** A percentage with two decimals, rounded half-up; 0 when the base is 0. */
export function percentOf(part: number, whole: number): number {
  if (whole === 0) return 0;
  return roundHalfUp((part / whole) * 100, 0.01);
}

/** `a ≥ b`, treating values within floating-point noise as equal. */
export function isAtLeast(a: number, b: number): boolean {
  return a >= b - toleranceFor(a, b);
}

/** `a > b`, treating values within floating-point noise as equal (so not greater). */
export function isGreater(a: number, b: number): boolean {
  return a > b + toleranceFor(a, b);
}

/** The remainder of `value / multiple`, snapped to 0 when noise leaves it next to 0 or `multiple`. */
export function remainderOf(value: number, multiple: number): number {
  const remainder = value - Math.floor(value / multiple) * multiple;
  if (!isGreater(remainder, 0) || !isGreater(multiple, remainder)) return 0;
  return tidy(remainder);
}
