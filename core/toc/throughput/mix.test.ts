import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { executeTocCommand } from '../command.ts';
import { mixCommand } from './mix.ts';

const example = JSON.parse(readFileSync(new URL('../examples/mix.json', import.meta.url), 'utf8'));

function runMix(input: unknown) {
  return executeTocCommand(mixCommand, input);
}

function failureOf(input: unknown) {
  return runMix(input).then(
    () => {
      throw new Error('expected a validation error');
    },
    (error: { fieldPath?: string; message: string }) => error,
  );
}

const oneResource = (capacity: number) => [{ id: 'R', capacity }];

describe('mix: the P & Q plant', () => {
  it('finds the bottleneck, ranks by T per constraint minute and beats the per-unit ranking', async () => {
    const result = await runMix(example);
    // B carries 100×15 + 50×30 = 3000 of 2400 minutes.
    expect(result.loads[1]).toEqual({ resource: 'B', required: 3000, capacity: 2400, utilizationPct: 125 });
    expect(result.loads[0].utilizationPct).toBe(83.33);
    expect(result.constraints.map((load) => load.resource)).toEqual(['B']);
    expect(result.primaryConstraint).toBe('B');
    // Labour (15) and overhead (12) are operating expense: T(P) = 90 − 40 − 5 = 45.
    expect(result.ranking).toEqual([
      { product: 'P', throughputPerUnit: 45, constraintMinutesPerUnit: 15, throughputPerConstraintMinute: 3 },
      { product: 'Q', throughputPerUnit: 60, constraintMinutesPerUnit: 30, throughputPerConstraintMinute: 2 },
    ]);
    expect(result.mix).toEqual([
      { product: 'P', quantity: 100 },
      { product: 'Q', quantity: 30 },
    ]);
    expect(result.mixLoads[1]).toEqual({
      resource: 'B',
      required: 2400,
      capacity: 2400,
      utilizationPct: 100,
    });
    expect(result).toMatchObject({ throughput: 6300, operatingExpense: 6000, netProfit: 300, roi: 0.003 });
    expect(result.unmetDemand).toEqual([{ product: 'Q', quantity: 20 }]);
    // Q first (T 60 > 45): 50 Q use 1500 of B, leaving 900 for 60 P: T 5700, a loss of 300.
    expect(result.naive).toEqual({
      mix: [
        { product: 'P', quantity: 60 },
        { product: 'Q', quantity: 50 },
      ],
      throughput: 5700,
      netProfit: -300,
    });
  });

  it('never reports an infeasible proposal as achievable', async () => {
    const result = await runMix(example);
    expect(result.evaluation).toEqual({
      feasible: false,
      violations: [{ resource: 'B', required: 3000, capacity: 2400 }],
      belowMinimum: [],
      throughput: 7500,
      netProfit: 1500,
    });
    const fits = await runMix({ ...example, evaluate: [{ product: 'P', quantity: 100 }] });
    expect(fits.evaluation).toMatchObject({ feasible: false, violations: [], throughput: 4500 });
    expect(fits.evaluation?.belowMinimum).toEqual([{ product: 'Q', quantity: 0, minimum: 10 }]);
    const ok = await runMix({
      ...example,
      evaluate: [
        { product: 'P', quantity: 100 },
        { product: 'Q', quantity: 30 },
      ],
    });
    expect(ok.evaluation).toMatchObject({
      feasible: true,
      violations: [],
      belowMinimum: [],
      throughput: 6300,
    });
  });

  it('honours a minimum that the ranking alone would not choose', async () => {
    const plant = { ...example, products: [example.products[0], { ...example.products[1], minimum: 40 }] };
    const result = await runMix(plant);
    // 40 Q take 1200 of B; 1200 / 15 = 80 P. T = 80×45 + 40×60 = 6000.
    expect(result.mix).toEqual([
      { product: 'P', quantity: 80 },
      { product: 'Q', quantity: 40 },
    ]);
    expect(result.throughput).toBe(6000);
  });
});

describe('mix: exactness', () => {
  it('solves the integer knapsack where T per constraint minute picks the wrong product', async () => {
    const result = await runMix({
      operatingExpense: 0,
      resources: oneResource(10),
      products: [
        { id: 'A', price: 7, tvc: 0, demand: 2, routing: [{ resource: 'R', minutes: 6 }] },
        { id: 'B', price: 5, tvc: 0, demand: 2, routing: [{ resource: 'R', minutes: 5 }] },
      ],
    });
    // A earns 7/6 per minute but one A leaves 4 idle minutes; two B fill all 10: T 10 > 7.
    expect(result.ranking[0].product).toBe('A');
    expect(result.mix).toEqual([
      { product: 'A', quantity: 0 },
      { product: 'B', quantity: 2 },
    ]);
    expect(result.throughput).toBe(10);
  });

  it('handles two binding resources', async () => {
    const result = await runMix({
      operatingExpense: 500,
      resources: [
        { id: 'R1', capacity: 100 },
        { id: 'R2', capacity: 100 },
      ],
      products: [
        {
          id: 'X',
          price: 30,
          tvc: 0,
          demand: 20,
          routing: [
            { resource: 'R1', minutes: 4 },
            { resource: 'R2', minutes: 2 },
          ],
        },
        {
          id: 'Y',
          price: 30,
          tvc: 0,
          demand: 20,
          routing: [
            { resource: 'R1', minutes: 2 },
            { resource: 'R2', minutes: 4 },
          ],
        },
      ],
    });
    // 6(x + y) ≤ 200 so at most 33 units: T = 990. Naive: 20 X, then only 10 Y fit R1: T = 900.
    expect(result.constraints.map((load) => load.resource)).toEqual(['R1', 'R2']);
    expect(result.throughput).toBe(990);
    expect(result.optimality).toEqual({ proven: true, gapPct: 0 });
    expect(result.netProfit).toBe(490);
    expect(result.mixLoads.every((load) => load.required <= load.capacity)).toBe(true);
    expect(result.naive.throughput).toBe(900);
    expect(result).not.toHaveProperty('roi');
  });

  it('makes everything with positive T when nothing is overloaded, and only the minimum of a loser', async () => {
    const result = await runMix({
      operatingExpense: 100,
      resources: [
        { id: 'R1', capacity: 100 },
        { id: 'R2', capacity: 50 },
      ],
      products: [
        {
          id: 'W',
          price: 10,
          tvc: 4,
          demand: 5,
          routing: [
            { resource: 'R1', minutes: 10 },
            { resource: 'R2', minutes: 8 },
          ],
        },
        { id: 'L', price: 3, tvc: 5, demand: 4, minimum: 1, routing: [{ resource: 'R1', minutes: 1 }] },
      ],
    });
    expect(result.method).toBe('full-demand');
    expect(result.optimality).toEqual({ proven: true, gapPct: 0 });
    expect(result.constraints).toEqual([]);
    // R2 at 40 / 50 = 80 % is the most loaded even though nothing exceeds capacity.
    expect(result.primaryConstraint).toBe('R2');
    expect(result.ranking.map((line) => line.throughputPerConstraintMinute)).toEqual([0.75, null]);
    expect(result.mix).toEqual([
      { product: 'W', quantity: 5 },
      { product: 'L', quantity: 1 },
    ]);
    expect(result.throughput).toBe(28);
    expect(result.unmetDemand).toEqual([{ product: 'L', quantity: 3 }]);
  });
});

describe('mix: input errors name the field', () => {
  const product = { id: 'A', price: 10, demand: 1, routing: [{ resource: 'R', minutes: 1 }] };

  it.each([
    [{ ...product, tvc: 1, costs: [{ kind: 'material', amount: 1 }] }, 'products.0.costs'],
    [{ ...product, routing: [{ resource: 'NOPE', minutes: 1 }] }, 'products.0.routing.0.resource'],
    [{ ...product, minimum: 2 }, 'products.0.minimum'],
    [{ ...product, costs: [{ kind: 'royalty', amount: 1 }] }, 'products.0.costs.0.kind'],
    [{ ...product, demand: 1.5 }, 'products.0.demand'],
  ])('rejects %j at %s', async (bad, path) => {
    const error = await failureOf({ operatingExpense: 0, resources: oneResource(10), products: [bad] });
    expect(error.fieldPath).toBe(path);
    expect(error.message).toContain(path);
  });

  it('rejects minimums that no capacity can hold, and proposals above demand', async () => {
    const tooMuch = await failureOf({
      operatingExpense: 0,
      resources: oneResource(10),
      products: [{ ...product, demand: 20, minimum: 11 }],
    });
    expect(tooMuch.fieldPath).toBe('resources.0.capacity');
    const unsellable = await failureOf({
      operatingExpense: 0,
      resources: oneResource(10),
      products: [product],
      evaluate: [{ product: 'A', quantity: 2 }],
    });
    expect(unsellable.fieldPath).toBe('evaluate.0.quantity');
  });
});
