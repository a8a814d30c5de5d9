import { randomUUID } from 'node:crypto';
import {
  type CompiledMapping,
  compileMapping,
  loadDefaultMapping,
  parseMappingOverride,
  readYaml,
  resolveMapping,
} from '../mapping/index.ts';
import type { Direction, MappingDefinition } from '../mapping/schema.ts';
import type { Queryable } from '../store/db.ts';
import { contentHash } from '../store/hash.ts';

export interface ConnectionMapping {
  compiled: CompiledMapping;
  /** Recorded on runs and failed syncs: `default v1` or `override v3`, with the content hash. */
  label: string;
}

// Default mapping files ship with the code: read and validated once per process.
const defaultsCache = new Map<string, Promise<MappingDefinition>>();

function defaultMapping(
  kind: string,
  stream: string,
  direction: Direction,
  root: string,
): Promise<MappingDefinition> {
  const key = `${root}|${kind}|${stream}|${direction}`;
  let cached = defaultsCache.get(key);
  if (!cached) {
    cached = loadDefaultMapping(kind, stream, direction, root);
    cached.catch(() => defaultsCache.delete(key));
    defaultsCache.set(key, cached);
  }
  return cached;
}

interface OverrideRow {
  version: number;
  source: string;
}

async function latestOverride(
  db: Queryable,
  connectionId: string,
  stream: string,
  direction: Direction,
): Promise<OverrideRow | undefined> {
  const { rows } = await db.query<OverrideRow>(
    'SELECT version, source FROM mapping_versions WHERE connection_id = $1 AND stream = $2 AND direction = $3 ORDER BY version DESC LIMIT 1',
    [connectionId, stream, direction],
  );
  return rows[0];
}

/**
 * The mapping a connection runs for a stream and direction: the connector's default file with the
 * connection's latest saved override merged in. Compiled once per content hash (cached).
 */
export async function mappingFor(
  db: Queryable,
  connection: { id: string; kind: string },
  stream: string,
  direction: Direction,
  root = 'mappings',
): Promise<ConnectionMapping> {
  const defaults = await defaultMapping(connection.kind, stream, direction, root);
  const row = await latestOverride(db, connection.id, stream, direction);
  const source = row
    ? `connection ${connection.id} ${stream}.${direction} override v${row.version}`
    : `mappings/${connection.kind}/${stream}.${direction}.yaml`;
  const override = row
    ? parseMappingOverride({ ...(readYaml(row.source, source) as object), version: row.version }, source)
    : undefined;
  const resolved = resolveMapping(defaults, override);
  const compiled = compileMapping(resolved.definition, { source });
  return {
    compiled,
    label: `${row ? 'override' : 'default'} v${resolved.version} (${compiled.hash.slice(0, 12)})`,
  };
}

/** Saves an override as the next version after validating that it compiles against the default. */
export async function saveMappingOverride(
  db: Queryable,
  connection: { id: string; kind: string },
  stream: string,
  direction: Direction,
  yamlSource: string,
  author: string,
  root = 'mappings',
): Promise<{ version: number; label: string }> {
  const previous = await latestOverride(db, connection.id, stream, direction);
  const version = (previous?.version ?? 1) + 1;
  const source = `connection ${connection.id} ${stream}.${direction} override v${version}`;
  const raw = readYaml(yamlSource, source);
  const override = parseMappingOverride({ ...(raw as Record<string, unknown>), version }, source);
  const defaults = await defaultMapping(connection.kind, stream, direction, root);
  const compiled = compileMapping(resolveMapping(defaults, override).definition, { source });
  await db.query(
    `INSERT INTO mapping_versions (id, connection_id, stream, direction, version, source, content_hash, created_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [randomUUID(), connection.id, stream, direction, version, yamlSource, contentHash(yamlSource), author],
  );
  return { version, label: `override v${version} (${compiled.hash.slice(0, 12)})` };
}

export async function mappingHistory(
  db: Queryable,
  connectionId: string,
  stream: string,
  direction: Direction,
) {
  const { rows } = await db.query(
    `SELECT version, source, content_hash AS "contentHash", created_by AS "createdBy", created_at AS "createdAt"
     FROM mapping_versions WHERE connection_id = $1 AND stream = $2 AND direction = $3 ORDER BY version DESC`,
    [connectionId, stream, direction],
  );
  return rows;
}
