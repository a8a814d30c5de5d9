import { HubError } from '../errors/index.ts';
import { compileExpression } from './expression.ts';
import { hashMapping } from './hash.ts';
import { createHelpers, type HelperFn } from './helpers.ts';
import { assertTimeZone } from './parse-date.ts';
import type { MappingVersionRef } from './references.ts';
import type { FieldSpec, MappingDefinition, RefSpec } from './schema.ts';
import { compileSourcePath, compileTargetSetter } from './source-path.ts';
import { compileValueMaps, type ValueMapFn } from './value-map.ts';

export interface CompiledField {
  /** Target path relative to its parent, e.g. `billing.country`. */
  path: string;
  set(target: Record<string, unknown>, value: unknown): void;
  /** Reads the field's value from the record (a Promise only when JSONata had to evaluate it). */
  get(input: unknown, root: unknown): unknown;
  map?: { name: string; translate: ValueMapFn };
  makeDefault?: () => unknown;
  required: boolean;
  ref?: RefSpec;
  each?: CompiledField[];
}

export interface CompiledMapping {
  hash: string;
  definition: MappingDefinition;
  fields: CompiledField[];
  /** How many expressions run as JS closures and how many only through JSONata. */
  expressions: { fast: number; jsonata: number };
}

export interface CompileOptions {
  /** Names the file or override in load-time errors. */
  source?: string;
  /** Translate simple expressions to JS (default true); false runs every expression through JSONata. */
  fastPath?: boolean;
}

const cache = new Map<string, CompiledMapping>();
const cacheLimit = 500;
const stats = { hits: 0, misses: 0 };

export function mappingCacheStats(): { hits: number; misses: number; size: number } {
  return { ...stats, size: cache.size };
}

export function clearMappingCache(): void {
  cache.clear();
  stats.hits = 0;
  stats.misses = 0;
}

function definitionError(source: string, fieldPath: string, problem: string, cause?: unknown): HubError {
  return new HubError('config', 'invalid_mapping', `${source}: ${fieldPath}: ${problem}`, {
    fieldPath,
    details: { file: source },
    cause,
  });
}

/** Constants and defaults are copied per record when they are objects, so records never share them. */
function constantFactory(value: unknown): () => unknown {
  if (value === null || typeof value !== 'object') return () => value;
  return () => structuredClone(value);
}

interface Scope {
  source: string;
  fastPath: boolean;
  helpers: Record<string, HelperFn>;
  valueMaps: Map<string, ValueMapFn>;
  expressions: { fast: number; jsonata: number };
}

function compileGetter(spec: FieldSpec, where: string, scope: Scope): CompiledField['get'] {
  if (spec.from !== undefined) {
    try {
      const read = compileSourcePath(spec.from);
      return (input) => read(input);
    } catch (error) {
      throw definitionError(scope.source, `${where}.from`, (error as Error).message, error);
    }
  }
  if (spec.expr !== undefined) {
    try {
      const expression = compileExpression(spec.expr, scope.helpers, {
        fastPath: scope.fastPath,
        valueMaps: new Set(scope.valueMaps.keys()),
      });
      scope.expressions[expression.fast ? 'fast' : 'jsonata'] += 1;
      return expression.evaluate;
    } catch (error) {
      throw definitionError(scope.source, `${where}.expr`, (error as Error).message, error);
    }
  }
  const constant = constantFactory(spec.const);
  return () => constant();
}

function compileFields(fields: Record<string, FieldSpec>, prefix: string, scope: Scope): CompiledField[] {
  return Object.entries(fields).map(([path, spec]) => {
    const where = `${prefix}.${path}`;
    const field: CompiledField = {
      path,
      set: compileTargetSetter(path),
      get: compileGetter(spec, where, scope),
      required: spec.required,
      ref: spec.ref,
    };
    if (spec.map !== undefined) {
      const translate = scope.valueMaps.get(spec.map);
      if (!translate) throw definitionError(scope.source, `${where}.map`, `no value map named "${spec.map}"`);
      field.map = { name: spec.map, translate };
    }
    if (spec.default !== undefined) field.makeDefault = constantFactory(spec.default);
    if (spec.each) field.each = compileFields(spec.each, `${where}.each`, scope);
    return field;
  });
}

function compileFresh(definition: MappingDefinition, hash: string, options: CompileOptions): CompiledMapping {
  const source = options.source ?? `${definition.connector}/${definition.stream}.${definition.direction}`;
  if (definition.options.timeZone) {
    try {
      assertTimeZone(definition.options.timeZone);
    } catch (error) {
      throw definitionError(source, 'options.timeZone', (error as Error).message, error);
    }
  }
  const valueMaps = compileValueMaps(definition.valueMaps);
  const expressions = { fast: 0, jsonata: 0 };
  const helpers = createHelpers(definition.options, valueMaps);
  const scope: Scope = { source, fastPath: options.fastPath ?? true, helpers, valueMaps, expressions };
  const fields = compileFields(definition.fields, 'fields', scope);
  return { hash, definition, fields, expressions };
}

/**
 * Compiles a mapping once per content hash: source paths, value maps and JSONata expressions are
 * parsed here and never per record. A second call with the same content returns the cached one.
 */
export function compileMapping(definition: MappingDefinition, options: CompileOptions = {}): CompiledMapping {
  const hash = hashMapping(definition);
  const key = `${hash}:${options.fastPath ?? true}`;
  const cached = cache.get(key);
  if (cached) {
    stats.hits += 1;
    return cached;
  }
  stats.misses += 1;
  const compiled = compileFresh(definition, hash, options);
  if (cache.size >= cacheLimit) cache.delete(cache.keys().next().value as string);
  cache.set(key, compiled);
  return compiled;
}

/** What a run, a parked record or a failed sync records about the mapping it used. */
export function mappingVersionOf(compiled: CompiledMapping): MappingVersionRef {
  const { connector, stream, direction, version } = compiled.definition;
  return { connector, stream, direction, version, hash: compiled.hash };
}
