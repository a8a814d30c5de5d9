import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { load, YAMLException } from 'js-yaml';
import type { z } from 'zod';
import { HubError, issuesOf } from '../errors/index.ts';
import { compileMapping } from './compile.ts';
import {
  type Direction,
  type MappingDefinition,
  type MappingOverride,
  mappingOverrideSchema,
  mappingSchema,
} from './schema.ts';

function invalid(source: string, fieldPath: string, problem: string, details: Record<string, unknown> = {}) {
  return new HubError('config', 'invalid_mapping', `${source}: ${fieldPath}: ${problem}`, {
    fieldPath,
    details: { file: source, ...details },
  });
}

function parseWith<S extends z.ZodType>(schema: S, raw: unknown, source: string): z.output<S> {
  const result = schema.safeParse(raw);
  if (result.success) return result.data;
  const issues = issuesOf(result.error);
  const first = issues[0];
  throw invalid(source, first?.path || '(root)', first?.message ?? 'invalid', { issues });
}

/**
 * Validates a mapping document and compiles it, so that a bad path, an unknown value map or a
 * broken JSONata expression fails here, naming `source` and the field, and never per record.
 */
export function parseMapping(raw: unknown, source: string): MappingDefinition {
  const definition = parseWith(mappingSchema, raw, source);
  compileMapping(definition, { source });
  return definition;
}

export function parseMappingOverride(raw: unknown, source: string): MappingOverride {
  return parseWith(mappingOverrideSchema, raw, source);
}

export function readYaml(text: string, source: string): unknown {
  try {
    return load(text);
  } catch (error) {
    if (error instanceof YAMLException) {
      const mark = error.mark as { line?: number; column?: number } | undefined;
      const where =
        mark?.line !== undefined ? `line ${mark.line + 1}, column ${(mark.column ?? 0) + 1}` : '(yaml)';
      throw invalid(source, where, `not valid YAML: ${error.reason}`);
    }
    throw error;
  }
}

export function parseMappingYaml(text: string, source: string): MappingDefinition {
  return parseMapping(readYaml(text, source), source);
}

export async function loadMappingFile(path: string): Promise<MappingDefinition> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new HubError('not_found', 'mapping_not_found', `${path}: cannot read mapping file`, {
      cause: error,
    });
  }
  return parseMappingYaml(text, path);
}

/** mappings/<connector>/<stream>.<in|out>.yaml */
export function defaultMappingPath(
  connector: string,
  stream: string,
  direction: Direction,
  root = 'mappings',
): string {
  return join(root, connector, `${stream}.${direction}.yaml`);
}

/** Loads a connector's default mapping and checks that the file says what its name says. */
export async function loadDefaultMapping(
  connector: string,
  stream: string,
  direction: Direction,
  root = 'mappings',
): Promise<MappingDefinition> {
  const path = defaultMappingPath(connector, stream, direction, root);
  const definition = await loadMappingFile(path);
  const expected = { connector, stream, direction } as const;
  for (const key of ['connector', 'stream', 'direction'] as const) {
    if (definition[key] !== expected[key]) {
      throw invalid(
        path,
        key,
        `file name says ${key} "${expected[key]}" but the file says "${definition[key]}"`,
      );
    }
  }
  return definition;
}
