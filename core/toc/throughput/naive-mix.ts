import { compareIds } from './id-checks.ts';
import { computeRequiredMinutes, type MixModel } from './mix-model.ts';
import { floorSafe } from './rounding.ts';

/**
 * What a per-unit-margin ranking would choose: minimums first, then products by highest
 * throughput per unit, each taking as many units as every resource still allows.
 */
export function chooseNaiveMix(model: MixModel): number[] {
  const quantities = model.products.map((product) => product.minimum);
  const used = computeRequiredMinutes(model, quantities);
  const free = model.resources.map((resource, r) => resource.capacity - used[r]);
  const order = model.products
    .map((product, p) => ({ product, p }))
    .sort((a, b) => b.product.throughput - a.product.throughput || compareIds(a.product.id, b.product.id));
  for (const { product, p } of order) {
    if (product.throughput <= 0) continue;
    let units = product.demand - product.minimum;
    product.minutes.forEach((minutes, r) => {
      if (minutes > 0) units = Math.min(units, floorSafe(free[r] / minutes));
    });
    if (units <= 0) continue;
    quantities[p] += units;
    product.minutes.forEach((minutes, r) => {
      free[r] -= units * minutes;
    });
  }
  return quantities;
}
