import { createHash } from 'node:crypto';
import type { MappingDefinition } from './schema.ts';

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, entry]) => entry !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, entry]) => `${JSON.stringify(key)}:${stableJson(entry)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** sha256 of the definition with sorted keys: equal content gives an equal hash, whatever the key order. */
export function hashMapping(definition: MappingDefinition): string {
  return createHash('sha256').update(stableJson(definition)).digest('hex');
}
