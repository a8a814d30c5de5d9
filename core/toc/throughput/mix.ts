import { defineTocCommand } from '../command.ts';
import {
  buildMixModel,
  computeLoads,
  computeRequiredMinutes,
  computeThroughput,
  findViolations,
  type MixModel,
  toMixLines,
} from './mix-model.ts';
import { type MixInput, mixInputSchema } from './mix-schema.ts';
import { chooseNaiveMix } from './naive-mix.ts';
import { findPrimaryConstraint, rankProducts } from './ranking.ts';
import { roundTo } from './rounding.ts';
import { solveMixExactly } from './solve-mix.ts';

/**
 * Throughput accounting and the best product mix. When no resource is overloaded every product
 * with positive throughput is made to demand; otherwise an exact integer program decides.
 */
export async function planMix(input: MixInput) {
  const model = buildMixModel(input);
  const fullDemand = model.products.map((product) => product.demand);
  const loads = computeLoads(model, fullDemand);
  const required = computeRequiredMinutes(model, fullDemand);
  const overloaded = model.resources
    .map((resource, r) => ({ r, ratio: required[r] / resource.capacity }))
    .filter(({ ratio }) => ratio > 1)
    .sort((a, b) => b.ratio - a.ratio || a.r - b.r);
  const primary = findPrimaryConstraint(model, required);
  const naive = chooseNaiveMix(model);
  const solution =
    overloaded.length === 0
      ? { quantities: chooseFullDemand(model), proven: true, gapPct: 0 }
      : await solveMixExactly(model, naive, input.maxSolverNodes);
  const quantities = solution.quantities;
  const throughput = computeThroughput(model, quantities);
  const naiveThroughput = computeThroughput(model, naive);
  return {
    loads,
    constraints: overloaded.map(({ r }) => loads[r]),
    primaryConstraint: primary === null ? null : model.resources[primary].id,
    ranking: rankProducts(model, primary),
    method: overloaded.length === 0 ? 'full-demand' : 'integer-program',
    optimality: { proven: solution.proven, gapPct: solution.gapPct },
    mix: toMixLines(model, quantities),
    mixLoads: computeLoads(model, quantities),
    ...summarize(throughput, input),
    unmetDemand: model.products
      .map((product, p) => ({ product: product.id, quantity: product.demand - quantities[p] }))
      .filter((line) => line.quantity > 0),
    naive: {
      mix: toMixLines(model, naive),
      throughput: roundTo(naiveThroughput),
      netProfit: roundTo(naiveThroughput - input.operatingExpense),
    },
    ...(input.evaluate ? { evaluation: evaluateMix(model, input) } : {}),
  };
}

/** Nothing binds: every product that earns throughput is made to demand, a loser only to its minimum. */
function chooseFullDemand(model: MixModel): number[] {
  return model.products.map((product) => (product.throughput < 0 ? product.minimum : product.demand));
}

function summarize(throughput: number, input: Pick<MixInput, 'operatingExpense' | 'investment'>) {
  const netProfit = throughput - input.operatingExpense;
  return {
    throughput: roundTo(throughput),
    operatingExpense: input.operatingExpense,
    netProfit: roundTo(netProfit),
    ...(input.investment === undefined ? {} : { roi: roundTo(netProfit / input.investment, 4) }),
  };
}

/** A proposed mix is achievable only when it fits every capacity and meets every minimum. */
function evaluateMix(model: MixModel, input: MixInput) {
  const proposed = new Map((input.evaluate ?? []).map((line) => [line.product, line.quantity]));
  const quantities = model.products.map((product) => proposed.get(product.id) ?? 0);
  const violations = findViolations(model, quantities);
  const belowMinimum = model.products
    .map((product, p) => ({ product: product.id, quantity: quantities[p], minimum: product.minimum }))
    .filter((line) => line.quantity < line.minimum);
  const throughput = computeThroughput(model, quantities);
  return {
    feasible: violations.length === 0 && belowMinimum.length === 0,
    violations,
    belowMinimum,
    throughput: roundTo(throughput),
    netProfit: roundTo(throughput - input.operatingExpense),
  };
}

export const mixCommand = defineTocCommand({
  name: 'mix',
  summary: 'Throughput accounting: constraint loads, T per constraint minute, the best integer product mix',
  input: mixInputSchema,
  run: planMix,
});
