import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { executeTocCommand } from '../command.ts';
import { mixCommand } from './mix.ts';
import { buildMixModel, computeThroughput, findViolations } from './mix-model.ts';
import { mixInputSchema } from './mix-schema.ts';

const tinyPlant = fc
  .record({
    capacities: fc.array(fc.integer({ min: 1, max: 30 }), { minLength: 1, maxLength: 3 }),
    products: fc.array(
      fc.record({
        price: fc.integer({ min: 0, max: 40 }),
        tvc: fc.integer({ min: 0, max: 25 }),
        demand: fc.integer({ min: 0, max: 4 }),
        minimumShare: fc.integer({ min: 0, max: 2 }),
        minutes: fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 3, maxLength: 3 }),
      }),
      { minLength: 1, maxLength: 3 },
    ),
  })
  .map(({ capacities, products }) => ({
    operatingExpense: 50,
    resources: capacities.map((capacity, r) => ({ id: `R${r}`, capacity })),
    products: products.map((product, p) => ({
      id: `P${p}`,
      price: product.price,
      tvc: product.tvc,
      demand: product.demand,
      minimum: Math.min(product.minimumShare, product.demand),
      routing: capacities.map((_, r) => ({ resource: `R${r}`, minutes: product.minutes[r] })),
    })),
  }))
  .filter((input) => mixInputSchema.safeParse(input).success);

/** Every integer mix between the minimums and the demands, the best feasible throughput. */
function bruteForceBest(input: ReturnType<typeof mixInputSchema.parse>): number {
  const model = buildMixModel(input);
  let best = Number.NEGATIVE_INFINITY;
  const quantities = model.products.map((product) => product.minimum);
  const visit = (p: number): void => {
    if (p === model.products.length) {
      if (findViolations(model, quantities).length === 0)
        best = Math.max(best, computeThroughput(model, quantities));
      return;
    }
    for (let q = model.products[p].minimum; q <= model.products[p].demand; q += 1) {
      quantities[p] = q;
      visit(p + 1);
    }
  };
  visit(0);
  return best;
}

describe('mix properties', () => {
  it('is always feasible, never worse than the naive ranking, and as good as brute force', async () => {
    await fc.assert(
      fc.asyncProperty(tinyPlant, async (raw) => {
        const input = mixInputSchema.parse(raw);
        const result = await executeTocCommand(mixCommand, raw);
        const model = buildMixModel(input);
        const quantities = result.mix.map((line) => line.quantity);
        expect(findViolations(model, quantities)).toEqual([]);
        model.products.forEach((product, p) => {
          expect(quantities[p]).toBeGreaterThanOrEqual(product.minimum);
          expect(quantities[p]).toBeLessThanOrEqual(product.demand);
        });
        expect(result.mixLoads.every((load) => load.required <= load.capacity)).toBe(true);
        expect(result.throughput).toBeGreaterThanOrEqual(result.naive.throughput);
        expect(result.throughput).toBeCloseTo(bruteForceBest(input), 6);
        const naive = result.naive.mix.map((line) => line.quantity);
        expect(findViolations(model, naive)).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });
});
