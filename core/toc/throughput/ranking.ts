import { compareIds } from './id-checks.ts';
import type { MixModel } from './mix-model.ts';
import { roundTo } from './rounding.ts';

/** The most loaded resource at full demand (first listed on a tie), even when none is overloaded. */
export function findPrimaryConstraint(model: MixModel, fullDemand: readonly number[]): number | null {
  let best: number | null = null;
  model.resources.forEach((resource, r) => {
    if (
      best === null ||
      fullDemand[r] / resource.capacity > fullDemand[best] / model.resources[best].capacity
    )
      best = r;
  });
  return best;
}

export interface RankedProduct {
  product: string;
  throughputPerUnit: number;
  constraintMinutesPerUnit: number;
  /** Null when the product does not use the constraint at all. */
  throughputPerConstraintMinute: number | null;
}

/**
 * Products by throughput per minute of the primary constraint, best first. A product that does
 * not touch the constraint ranks above all others when it earns throughput, below when it loses.
 */
export function rankProducts(model: MixModel, constraint: number | null): RankedProduct[] {
  const scored = model.products.map((product) => {
    const minutes = constraint === null ? 0 : product.minutes[constraint];
    const perMinute = minutes > 0 ? product.throughput / minutes : null;
    const key = perMinute ?? (product.throughput > 0 ? Infinity : product.throughput < 0 ? -Infinity : 0);
    return { product, minutes, perMinute, key };
  });
  scored.sort(
    (a, b) =>
      b.key - a.key || b.product.throughput - a.product.throughput || compareIds(a.product.id, b.product.id),
  );
  return scored.map(({ product, minutes, perMinute }) => ({
    product: product.id,
    throughputPerUnit: roundTo(product.throughput),
    constraintMinutesPerUnit: minutes,
    throughputPerConstraintMinute: perMinute === null ? null : roundTo(perMinute, 4),
  }));
}
