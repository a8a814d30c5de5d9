import highsExport, { type Highs } from 'highs';
import { HubError } from '../../errors/index.ts';
import { computeRequiredMinutes, findViolations, type MixModel } from './mix-model.ts';

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

/**
 * The product mix with the highest total throughput: an integer program over every resource
 * that demand would overload, with minimum ≤ quantity ≤ demand.
 */
export async function solveMixExactly(model: MixModel): Promise<number[]> {
  const highs = await getHighs();
  const solution = highs.solve(writeMixProgram(model), solverOptions);
  if (solution.Status !== 'Optimal') {
    throw new HubError(
      'system',
      'mix_solver_failed',
      `The mix solver stopped with status "${solution.Status}"`,
    );
  }
  const quantities = model.products.map((product, p) => {
    const column = solution.Columns[`x${p}`];
    return column && 'Primal' in column ? Math.round(column.Primal) : product.minimum;
  });
  const violations = findViolations(model, quantities);
  if (violations.length > 0) {
    const first = violations[0];
    const message = `The mix solver returned a mix that overloads ${first.resource} (${first.required} > ${first.capacity})`;
    throw new HubError('system', 'mix_solver_inexact', message, { details: { violations } });
  }
  return quantities;
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
