import type { ValueMapSpec } from './schema.ts';

/** Returned by a value map when the value is not in the table and there is no fallback. */
export const UNMAPPED: unique symbol = Symbol('unmapped');

export type ValueMapFn = (value: unknown) => unknown;

function keyOf(value: unknown, ignoreCase: boolean): string | undefined {
  if (typeof value === 'string') return ignoreCase ? value.toLowerCase() : value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

/** A Map-backed translation: table hit, else the map's default, else passthrough, else UNMAPPED. */
export function compileValueMap(spec: ValueMapSpec): ValueMapFn {
  const table = new Map<string, unknown>();
  for (const [key, value] of Object.entries(spec.values)) {
    table.set(spec.ignoreCase ? key.toLowerCase() : key, value);
  }
  const fallback = spec.default;
  const ignoreCase = spec.ignoreCase;
  const passthrough = spec.passthrough;
  return (value) => {
    const key = keyOf(value, ignoreCase);
    if (key !== undefined) {
      const hit = table.get(key);
      if (hit !== undefined || table.has(key)) return hit;
    }
    if (fallback !== undefined) return fallback;
    return passthrough ? value : UNMAPPED;
  };
}

export function compileValueMaps(specs: Record<string, ValueMapSpec>): Map<string, ValueMapFn> {
  return new Map(Object.entries(specs).map(([name, spec]) => [name, compileValueMap(spec)]));
}
