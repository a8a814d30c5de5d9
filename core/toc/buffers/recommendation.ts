import { isGreater, remainderOf, roundHalfUp, tidy } from './quantities.ts';
import type { BufferZones } from './zones.ts';

export interface OrderRules {
  inProgress: number;
  /** 0 or absent: order the exact quantity. */
  qtyMultiple?: number;
  /** A remainder up to this share of the multiple is dropped instead of rounded up. */
  multipleTolerancePct: number;
  /** Minimum order quantity: no order is smaller (it also sizes the green zone). */
  moq: number;
  minQty: number;
}

/**
 * Snaps a quantity to the order multiple: up to the next multiple when the remainder exceeds the
 * tolerance (a share of the multiple), down otherwise.
 */
export function applyOrderMultiple(quantity: number, multiple: number, tolerancePct: number): number {
  const remainder = remainderOf(quantity, multiple);
  if (remainder === 0) return roundHalfUp(quantity, multiple);
  const roundedDown = quantity - remainder;
  const tolerance = (multiple * tolerancePct) / 100;
  return tidy(isGreater(remainder, tolerance) ? roundedDown + multiple : roundedDown);
}

/**
 * DDMRP order recommendation: only when the NFP is at or below top of yellow, top of green − NFP −
 * quantity already in progress, snapped to the multiple. An order is never smaller than the larger
 * of the MOQ and the minimum; one raised to it is rounded up to the multiple.
 */
export function recommendQuantity(nfp: number, zones: BufferZones, rules: OrderRules): number {
  if (isGreater(nfp, zones.topOfYellow)) return 0;
  const needed = tidy(zones.topOfGreen - nfp - rules.inProgress);
  if (!isGreater(needed, 0)) return 0;
  const multiple = rules.qtyMultiple ?? 0;
  const adjusted = multiple > 0 ? applyOrderMultiple(needed, multiple, rules.multipleTolerancePct) : needed;
  const minimum = Math.max(rules.moq, rules.minQty);
  if (!isGreater(minimum, adjusted)) return adjusted;
  return multiple > 0 ? applyOrderMultiple(minimum, multiple, 0) : minimum;
}
