import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dump } from 'js-yaml';
import { HubError, isHubError } from '../../errors/index.ts';
import { type CompiledMapping, type Direction, defaultMappingPath } from '../../mapping/index.ts';
import type { Hub } from '../../runtime/hub.ts';
import type { Queryable } from '../../store/db.ts';

export interface MappingKey {
  id: string;
  connectionId: string;
  stream: string;
  direction: Direction;
}

/** `<connectionId>:<stream>:<direction>`; the connection id may itself hold colons. */
export function parseMappingKey(id: string): MappingKey {
  const parts = id.split(':');
  const direction = parts.pop();
  const stream = parts.pop();
  const connectionId = parts.join(':');
  if (!connectionId || !stream || (direction !== 'in' && direction !== 'out')) {
    throw new HubError(
      'invalid_data',
      'invalid_mapping_id',
      `"${id}" is not <connection>:<stream>:<in|out>`,
      { fieldPath: 'id' },
    );
  }
  return { id, connectionId, stream, direction };
}

export function hasDefaultMapping(hub: Hub, kind: string, stream: string, direction: Direction): boolean {
  return existsSync(defaultMappingPath(kind, stream, direction, hub.mappingsRoot));
}

export async function defaultMappingSource(hub: Hub, kind: string, key: MappingKey): Promise<string> {
  const path = defaultMappingPath(kind, key.stream, key.direction, hub.mappingsRoot);
  if (!existsSync(path))
    throw new HubError('not_found', 'mapping_not_found', `No default mapping ${path} for ${key.id}`);
  return readFile(path, 'utf8');
}

export async function overrideSources(db: Queryable, key: MappingKey): Promise<Map<number, string>> {
  const { rows } = await db.query<{ version: number; source: string }>(
    'SELECT version, source FROM mapping_versions WHERE connection_id = $1 AND stream = $2 AND direction = $3 ORDER BY version',
    [key.connectionId, key.stream, key.direction],
  );
  return new Map(rows.map((row) => [row.version, row.source]));
}

export interface MappingProblem {
  path: string;
  message: string;
}

/** Every problem of an override text: YAML syntax, schema issues, compile errors (paths, expressions). */
export function problemsOf(error: unknown): MappingProblem[] {
  if (!isHubError(error)) return [{ path: '(root)', message: (error as Error).message }];
  const issues = error.details.issues as Array<{ path: string; message: string }> | undefined;
  if (issues?.length)
    return issues.map((issue) => ({ path: issue.path || '(root)', message: issue.message }));
  return [{ path: error.fieldPath ?? '(root)', message: error.message }];
}

/** The latest saved override text and its version; version 1 with no text when none is saved. */
export async function latestOverrideText(
  db: Queryable,
  key: MappingKey,
): Promise<{ version: number; yaml: string }> {
  const sources = await overrideSources(db, key);
  const version = Math.max(1, ...sources.keys());
  return { version, yaml: sources.get(version) ?? '' };
}

/** The effective mapping as YAML, for history diffs. */
export function effectiveYaml(compiled: CompiledMapping): string {
  return dump(compiled.definition, { lineWidth: 120, noRefs: true, sortKeys: false });
}
