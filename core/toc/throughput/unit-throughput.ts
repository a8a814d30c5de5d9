/** Cost kinds a product may carry. Only the first five vary with each unit sold. */
export const costKinds = [
  'material',
  'purchased_part',
  'commission',
  'outsourced',
  'freight',
  'labour',
  'overhead',
] as const;
export type CostKind = (typeof costKinds)[number];

// Labour and overhead are paid whether or not one more unit is made: operating expense, not TVC.
const trulyVariableKinds: ReadonlySet<CostKind> = new Set([
  'material',
  'purchased_part',
  'commission',
  'outsourced',
  'freight',
]);

export interface PricedProduct {
  price: number;
  tvc?: number;
  costs?: ReadonlyArray<{ kind: CostKind; amount: number }>;
}

export function computeTrulyVariableCost(product: PricedProduct): number {
  if (product.tvc !== undefined) return product.tvc;
  let total = 0;
  for (const cost of product.costs ?? []) {
    if (trulyVariableKinds.has(cost.kind)) total += cost.amount;
  }
  return total;
}

/** T per unit = price − truly variable cost. */
export function computeUnitThroughput(product: PricedProduct): number {
  return product.price - computeTrulyVariableCost(product);
}
