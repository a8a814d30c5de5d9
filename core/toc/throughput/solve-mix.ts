import highsExport, { type Highs } from 'highs';
import { HubError } from '../../errors/index.ts';
import { computeRequiredMinutes, findViolations, type MixModel } from './mix-model.ts';
import { roundTo } from './rounding.ts';

type LoadHighs = () => Promise<Highs>;
// The package's typings are CommonJS (a namespace); its ESM entry default-exports the loader.
const highsEntry = highsExport as unknown as LoadHighs | { default: LoadHighs };
const loadHighs: LoadHighs = typeof highsEntry === 'function' ? highsEntry : highsEntry.default;

let highsPromise: Promise<Highs> | undefined;

// The WASM solver is loaded once per process and reused by every solve.
function getHighs(): Promise<Highs> {
  const loading =
    highsPromise ??
    loadHighs().catch((error: unknown) => {
      highsPromise = undefined;
      throw error;
    });
  highsPromise = loading;
  return loading;
}

// Gap 0 makes the branch-and-bound prove optimality; tight tolerances keep the rounded integers
// inside every capacity.
const solverOptions = {
  output_flag: false,
  mip_rel_gap: 0,
  mip_abs_gap: 1e-9,
  mip_feasibility_tolerance: 1e-9,
  primal_feasibility_tolerance: 1e-9,
};

export interface MixSolution {
  quantities: number[];
  /** False only when the node limit stopped the proof: the mix is the best found, within gapPct. */
  proven: boolean;
  gapPct: number;
}

/**
 * The product mix with the highest total throughput: an integer program over every resource
 * that demand would overload, with minimum ≤ quantity ≤ demand, warm-started from `start`.
 */
export async function solveMixExactly(
  model: MixModel,
  start: readonly number[],
  maxNodes: number,
): Promise<MixSolution> {
  const highs = await getHighs();
  const program = highs.createModel({ format: 'lp', data: writeMixProgram(model) });
  try {
    // A node limit, not a time limit, so the same input always gives the same answer.
    program.options.set({ ...solverOptions, mip_max_nodes: maxNodes });
    const columns = model.products.map((_, p) => program.getColByName(`x${p}`));
    const warm = new Array<number>(columns.length);
    columns.forEach((column, p) => {
      warm[column] = start[p];
    });
    program.setSolution({ colValue: warm });
    program.run();
    const status = program.getModelStatus();
    const { optimal, solutionLimit } = highs.constants.modelStatus;
    const found = program.info.get('primal_solution_status') === highs.constants.solutionStatus.feasible;
    if (status !== optimal && !(status === solutionLimit && found)) {
      throw new HubError('system', 'mix_solver_failed', `The mix solver stopped with status ${status}`);
    }
    const values = program.getSolution().colValue;
    const quantities = columns.map((column) => Math.round(values[column]));
    checkFeasible(model, quantities);
    const gap = status === optimal ? 0 : Number(program.info.get('mip_gap'));
    return { quantities, proven: status === optimal, gapPct: roundTo(gap * 100, 4) };
  } finally {
    program.dispose();
  }
}

function checkFeasible(model: MixModel, quantities: readonly number[]): void {
  const violations = findViolations(model, quantities);
  if (violations.length === 0) return;
  const first = violations[0];
  const message = `The mix solver returned a mix that overloads ${first.resource} (${first.required} > ${first.capacity})`;
  throw new HubError('system', 'mix_solver_inexact', message, { details: { violations } });
}

/** CPLEX LP text; resources that full demand cannot overload are left out (they never bind). */
export function writeMixProgram(model: MixModel): string {
  const fullDemand = computeRequiredMinutes(
    model,
    model.products.map((product) => product.demand),
  );
  const objective = model.products.map((product, p) => formatTerm(product.throughput, `x${p}`, p === 0));
  const rows: string[] = [];
  model.resources.forEach((resource, r) => {
    if (fullDemand[r] <= resource.capacity) return;
    const terms = model.products
      .map((product, p) => ({ minutes: product.minutes[r], name: `x${p}` }))
      .filter((term) => term.minutes > 0)
      .map((term, i) => formatTerm(term.minutes, term.name, i === 0));
    rows.push(` c${r}: ${terms.join(' ')} <= ${formatNumber(resource.capacity)}`);
  });
  const bounds = model.products.map((product, p) => ` ${product.minimum} <= x${p} <= ${product.demand}`);
  const names = model.products.map((_, p) => `x${p}`);
  return [
    'Maximize',
    ` obj: ${objective.join(' ')}`,
    'Subject To',
    ...rows,
    'Bounds',
    ...bounds,
    'Generals',
    ` ${names.join(' ')}`,
    'End',
  ].join('\n');
}

function formatTerm(coefficient: number, name: string, first: boolean): string {
  const sign = coefficient < 0 ? '-' : '+';
  const magnitude = `${formatNumber(Math.abs(coefficient))} ${name}`;
  if (first) return coefficient < 0 ? `- ${magnitude}` : magnitude;
  return `${sign} ${magnitude}`;
}

// LP text reads plain and exponent notation alike; String() never loses a double's digits.
function formatNumber(value: number): string {
  return String(value);
}
