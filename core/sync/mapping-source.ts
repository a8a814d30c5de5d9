import { randomUUID } from 'node:crypto';
import { HubError } from '../errors/index.ts';
import {
  type CompiledMapping,
  compileMapping,
  loadDefaultMapping,
  parseMappingOverride,
  readYaml,
  resolveMapping,
} from '../mapping/index.ts';
import type { Direction, MappingDefinition, MappingOverride } from '../mapping/schema.ts';
import type { Db, Queryable } from '../store/db.ts';
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

/** Only blank and comment lines: YAML without a document, which a YAML parser refuses. */
const isEmptyYaml = (text: string) => text.split('\n').every((line) => /^\s*(#.*)?\s*$/.test(line));

/**
 * An override's text as `version`. Blank text (or comments alone), or YAML null, is the empty
 * override: the default's fields under the override's own version (how a mapping goes back to its
 * default). Anything but a YAML mapping is refused, naming `source`.
 */
export function parseOverrideText(text: string, version: number, source: string): MappingOverride {
  const raw = isEmptyYaml(text) ? null : readYaml(text, source);
  if (raw !== null && raw !== undefined && (typeof raw !== 'object' || Array.isArray(raw))) {
    throw new HubError(
      'invalid_data',
      'invalid_mapping',
      `${source}: the override must be a YAML mapping of fields, valueMaps and options`,
      { fieldPath: '(root)' },
    );
  }
  return parseMappingOverride({ ...(raw ?? {}), version }, source);
}

/**
 * The mapping a connection runs with `override` (its text as saved and its version) merged into the
 * connector's default file; without one, the default alone (version 1). Runs, saves, validate,
 * dry-run and diffs all compile through here, so they accept the same texts and agree on the hash.
 */
export async function mappingAt(
  connection: { id: string; kind: string },
  stream: string,
  direction: Direction,
  override: OverrideRow | undefined,
  root = 'mappings',
): Promise<ConnectionMapping> {
  const defaults = await defaultMapping(connection.kind, stream, direction, root);
  const source = override
    ? `connection ${connection.id} ${stream}.${direction} override v${override.version}`
    : `mappings/${connection.kind}/${stream}.${direction}.yaml`;
  const parsed = override ? parseOverrideText(override.source, override.version, source) : undefined;
  const resolved = resolveMapping(defaults, parsed);
  const compiled = compileMapping(resolved.definition, { source });
  return {
    compiled,
    label: `${override ? 'override' : 'default'} v${resolved.version} (${compiled.hash.slice(0, 12)})`,
  };
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
  const row = await latestOverride(db, connection.id, stream, direction);
  return mappingAt(connection, stream, direction, row, root);
}

/**
 * What saving `yamlSource` now would run (the next version), for validate and dry-run; without a
 * text, what runs now.
 */
export async function proposedMapping(
  db: Queryable,
  connection: { id: string; kind: string },
  stream: string,
  direction: Direction,
  yamlSource: string | undefined,
  root = 'mappings',
): Promise<ConnectionMapping> {
  const latest = await latestOverride(db, connection.id, stream, direction);
  const next =
    yamlSource === undefined ? latest : { version: (latest?.version ?? 1) + 1, source: yamlSource };
  return mappingAt(connection, stream, direction, next, root);
}

/**
 * Saves an override as the next version after validating that it compiles against the default.
 * Saves of one mapping take turns (an advisory lock on PostgreSQL; the embedded database runs one
 * transaction at a time), so concurrent saves each get their own version.
 */
export async function saveMappingOverride(
  db: Db,
  connection: { id: string; kind: string },
  stream: string,
  direction: Direction,
  yamlSource: string,
  author: string,
  root = 'mappings',
): Promise<{ version: number; label: string }> {
  return db.transaction(async (tx) => {
    if (db.driver === 'postgres')
      await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [
        `mapping:${connection.id}:${stream}:${direction}`,
      ]);
    const previous = await latestOverride(tx, connection.id, stream, direction);
    const version = (previous?.version ?? 1) + 1;
    const { label } = await mappingAt(connection, stream, direction, { version, source: yamlSource }, root);
    await tx.query(
      `INSERT INTO mapping_versions (id, connection_id, stream, direction, version, source, content_hash, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [randomUUID(), connection.id, stream, direction, version, yamlSource, contentHash(yamlSource), author],
    );
    return { version, label };
  });
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
