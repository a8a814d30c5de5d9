import { hashMapping } from './hash.ts';
import { parseMapping } from './loader.ts';
import type { MappingDefinition, MappingOverride } from './schema.ts';

export interface ResolvedMapping {
  definition: MappingDefinition;
  version: number;
  hash: string;
  /** True when a connection override was merged over the default file. */
  overridden: boolean;
}

function mergeValueMaps(
  defaults: MappingDefinition['valueMaps'],
  overrides: MappingOverride['valueMaps'],
): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...defaults };
  for (const [name, override] of Object.entries(overrides)) {
    if (override === null) {
      delete merged[name];
      continue;
    }
    const base = defaults[name];
    merged[name] = {
      ...base,
      ...Object.fromEntries(Object.entries(override).filter(([, value]) => value !== undefined)),
      values: { ...base?.values, ...override.values },
    };
  }
  return merged;
}

/**
 * The mapping a connection runs: the default file, with the connection's override merged in
 * when there is one. Fields of the override replace the default field of the same name (null
 * removes it), value map entries merge over the default entries (null removes the whole map),
 * options merge key by key. The result is validated again and carries the override's version.
 */
export function resolveMapping(defaults: MappingDefinition, override?: MappingOverride): ResolvedMapping {
  if (!override)
    return {
      definition: defaults,
      version: defaults.version,
      hash: hashMapping(defaults),
      overridden: false,
    };
  const fields: Record<string, unknown> = { ...defaults.fields };
  for (const [name, field] of Object.entries(override.fields)) {
    if (field === null) delete fields[name];
    else fields[name] = field;
  }
  const merged = {
    ...defaults,
    version: override.version,
    description: override.description ?? defaults.description,
    options: { ...defaults.options, ...override.options },
    valueMaps: mergeValueMaps(defaults.valueMaps, override.valueMaps),
    fields,
  };
  const source = `override v${override.version} of ${defaults.connector}/${defaults.stream}.${defaults.direction}`;
  const definition = parseMapping(merged, source);
  return { definition, version: definition.version, hash: hashMapping(definition), overridden: true };
}
