import type { MixInput } from './mix-schema.ts';
import { fitsWithin, roundTo } from './rounding.ts';
import { computeUnitThroughput } from './unit-throughput.ts';

/** The mix problem in dense form: quantities are arrays aligned with `products`. */
export interface MixModel {
  resources: Array<{ id: string; capacity: number }>;
  products: Array<{ id: string; throughput: number; demand: number; minimum: number; minutes: number[] }>;
}

export interface ResourceLoad {
  resource: string;
  required: number;
  capacity: number;
  utilizationPct: number;
}

export function buildMixModel(input: MixInput): MixModel {
  const index = new Map(input.resources.map((resource, r) => [resource.id, r]));
  const products = input.products.map((product) => {
    // A routing may visit the same resource twice: its minutes add up.
    const minutes = input.resources.map(() => 0);
    for (const step of product.routing) minutes[index.get(step.resource)!] += step.minutes;
    const throughput = computeUnitThroughput(product);
    return { id: product.id, throughput, demand: product.demand, minimum: product.minimum ?? 0, minutes };
  });
  return { resources: input.resources.map(({ id, capacity }) => ({ id, capacity })), products };
}

export function computeRequiredMinutes(model: MixModel, quantities: readonly number[]): number[] {
  const required = model.resources.map(() => 0);
  model.products.forEach((product, p) => {
    const quantity = quantities[p];
    if (quantity === 0) return;
    product.minutes.forEach((minutes, r) => {
      required[r] += quantity * minutes;
    });
  });
  return required;
}

export function computeLoads(model: MixModel, quantities: readonly number[]): ResourceLoad[] {
  const required = computeRequiredMinutes(model, quantities);
  return model.resources.map((resource, r) => ({
    resource: resource.id,
    required: roundTo(required[r]),
    capacity: resource.capacity,
    utilizationPct: roundTo((required[r] / resource.capacity) * 100),
  }));
}

export function findViolations(model: MixModel, quantities: readonly number[]) {
  const required = computeRequiredMinutes(model, quantities);
  return model.resources
    .map((resource, r) => ({
      resource: resource.id,
      required: roundTo(required[r]),
      capacity: resource.capacity,
      raw: required[r],
    }))
    .filter((load) => !fitsWithin(load.raw, load.capacity))
    .map(({ resource, required: minutes, capacity }) => ({ resource, required: minutes, capacity }));
}

export function computeThroughput(model: MixModel, quantities: readonly number[]): number {
  return model.products.reduce((sum, product, p) => sum + product.throughput * quantities[p], 0);
}

export function toMixLines(model: MixModel, quantities: readonly number[]) {
  return model.products.map((product, p) => ({ product: product.id, quantity: quantities[p] }));
}
