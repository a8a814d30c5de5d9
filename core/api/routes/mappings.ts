import { createTwoFilesPatch } from 'diff';
import { Router } from 'express';
import { z } from 'zod';
import { HubError } from '../../errors/index.ts';
import { dryRun, zodValidator } from '../../mapping/index.ts';
import { entitySchemas, isEntityName } from '../../model/index.ts';
import { hasUuidForm } from '../../model/primitives.ts';
import type { Hub } from '../../runtime/hub.ts';
import { goldenBodiesByIds } from '../../store/repos/golden.ts';
import { type FailedSync, getFailure } from '../../sync/failures.ts';
import {
  mappingAt,
  mappingFor,
  mappingHistory,
  proposedMapping,
  saveMappingOverride,
} from '../../sync/mapping-source.ts';
import { outboundMappingInput } from '../../sync/outbound.ts';
import { inboundRecordCheck } from '../../sync/record-checks.ts';
import { createXrefResolver } from '../../sync/xref-resolver.ts';
import { parseBody, parseQuery } from '../validate.ts';
import { streamsOfConnection } from './connector-schema.ts';
import {
  defaultMappingSource,
  effectiveYaml,
  hasDefaultMapping,
  latestOverrideText,
  type MappingKey,
  overrideSources,
  parseMappingKey,
  problemsOf,
} from './mapping-files.ts';
import { connectionStream } from './readable-stream.ts';

export const mappingListQuerySchema = z.object({ connection: z.string().optional() });
export const mappingTextSchema = z.object({ yaml: z.string().max(200_000) });
export const dryRunBodySchema = z.object({
  /** The override to try; absent means the one saved now. */
  yaml: z.string().max(200_000).optional(),
  samples: z.array(z.unknown()).max(200).optional(),
  /** Take the sample from this failed sync's payload. */
  failureId: z.uuid().optional(),
});
export const diffQuerySchema = z.object({
  from: z.coerce.number().int().min(1),
  to: z.coerce.number().int().min(1),
});

/** The key's connection, once its stream is known to be one of the connection's: only then is a file looked up. */
async function connectionOf(hub: Hub, key: MappingKey) {
  const { connection, spec } = await connectionStream(hub, key.connectionId, key.stream, key.direction);
  if (!hasDefaultMapping(hub, connection.kind, key.stream, key.direction)) {
    throw new HubError(
      'not_found',
      'mapping_not_found',
      `${connection.kind} has no ${key.direction} mapping for stream "${key.stream}"`,
    );
  }
  return { id: connection.id, kind: connection.kind, spec };
}

/** Version 1 is the default file alone; every saved override is the next version. */
async function effectiveAt(
  hub: Hub,
  connection: { id: string; kind: string },
  key: MappingKey,
  version: number,
): Promise<string> {
  const source = (await overrideSources(hub.store.db, key)).get(version);
  if (version !== 1 && source === undefined)
    throw new HubError('not_found', 'mapping_version_not_found', `${key.id} has no version ${version}`, {
      fieldPath: 'version',
    });
  const override = source === undefined ? undefined : { version, source };
  const mapping = await mappingAt(connection, key.stream, key.direction, override, hub.mappingsRoot);
  return effectiveYaml(mapping.compiled);
}

/** What validate and dry-run check: `yaml` as saving it would run it, or the saved mapping. */
async function proposed(hub: Hub, connection: { id: string; kind: string }, key: MappingKey, yaml?: string) {
  const mapping = await proposedMapping(
    hub.store.db,
    connection,
    key.stream,
    key.direction,
    yaml,
    hub.mappingsRoot,
  );
  return mapping.compiled;
}

type XrefResolver = ReturnType<typeof createXrefResolver>;

/** A failed sync replays through the mapping of its own connection, stream and direction only. */
function assertFailureOf(failure: FailedSync, key: MappingKey): void {
  const { id, connectionId, stream, direction } = failure;
  if (connectionId === key.connectionId && stream === key.stream && direction === key.direction) return;
  throw new HubError(
    'invalid_data',
    'failure_of_other_stream',
    `Failed sync ${id} belongs to ${connectionId}/${stream} (${direction}), not to mapping ${key.id}`,
    { fieldPath: 'failureId', details: { failureId: id, connectionId, stream, direction } },
  );
}

/**
 * An outbound sample as the write maps it (outboundMappingInput): with the canonical id, version
 * and target id of the record it is the body of, the failed sync's record or the one its own `id`
 * names. A sample that names no canonical id is mapped as given.
 */
async function asWriteInput(
  hub: Hub,
  entity: string,
  resolver: XrefResolver,
  sample: unknown,
  canonicalId?: string | null,
): Promise<unknown> {
  if (sample === null || typeof sample !== 'object' || Array.isArray(sample)) return sample;
  const body = sample as Record<string, unknown>;
  const id = canonicalId ?? body.id;
  if (!hasUuidForm(id)) return sample;
  const [golden, externalId] = await Promise.all([
    goldenBodiesByIds(hub.store.db, [id]),
    resolver.toExternal(entity, id),
  ]);
  const ownVersion = typeof body.version === 'number' ? body.version : undefined;
  return outboundMappingInput({ id, version: golden.get(id)?.version ?? ownVersion, body }, externalId);
}

/** The samples of a dry-run: those given, then the failed sync's payload; outbound, as the write maps them. */
async function samplesOf(
  hub: Hub,
  key: MappingKey,
  body: z.infer<typeof dryRunBodySchema>,
  entity: string,
  resolver: XrefResolver,
): Promise<unknown[]> {
  const samples: Array<{ sample: unknown; canonicalId?: string | null }> = (body.samples ?? []).map(
    (sample) => ({ sample }),
  );
  if (body.failureId) {
    const failure = await getFailure(hub.store.db, body.failureId);
    if (!failure)
      throw new HubError('not_found', 'failure_not_found', `No failed sync ${body.failureId}`, {
        fieldPath: 'failureId',
      });
    assertFailureOf(failure, key);
    samples.push({ sample: failure.rawPayload, canonicalId: failure.canonicalId });
  }
  if (key.direction === 'in') return samples.map(({ sample }) => sample);
  return Promise.all(
    samples.map(({ sample, canonicalId }) => asWriteInput(hub, entity, resolver, sample, canonicalId)),
  );
}

export function mappingRoutes(hub: Hub): Router {
  const router = Router();
  router.get('/mappings', async (req, res) => {
    const query = parseQuery(mappingListQuerySchema, req);
    const connections = (await hub.store.connections.listCached()).filter(
      (connection) => !query.connection || connection.id === query.connection,
    );
    const { rows } = await hub.store.db.query<{
      connection_id: string;
      stream: string;
      direction: string;
      version: number;
    }>(
      'SELECT connection_id, stream, direction, max(version)::int AS version FROM mapping_versions GROUP BY connection_id, stream, direction',
    );
    const versions = new Map(
      rows.map((row) => [`${row.connection_id}:${row.stream}:${row.direction}`, row.version]),
    );
    const items = connections.flatMap((connection) =>
      streamsOfConnection(hub, connection).flatMap((stream) =>
        (['in', 'out'] as const)
          .filter(
            (direction) =>
              (direction === 'in' ? stream.read : stream.write) &&
              hasDefaultMapping(hub, connection.kind, stream.name, direction),
          )
          .map((direction) => {
            const id = `${connection.id}:${stream.name}:${direction}`;
            return {
              id,
              connectionId: connection.id,
              kind: connection.kind,
              stream: stream.name,
              direction,
              entity: stream.entity,
              version: versions.get(id) ?? 1,
            };
          }),
      ),
    );
    res.json({ items, total: items.length, limit: items.length, offset: 0 });
  });
  router.get('/mappings/:id', async (req, res) => {
    const key = parseMappingKey(req.params.id);
    const connection = await connectionOf(hub, key);
    const current = await mappingFor(hub.store.db, connection, key.stream, key.direction, hub.mappingsRoot);
    const override = await latestOverrideText(hub.store.db, key);
    const history = await mappingHistory(hub.store.db, key.connectionId, key.stream, key.direction);
    res.json({
      ...key,
      kind: connection.kind,
      entity: current.compiled.definition.entity,
      label: current.label,
      version: override.version,
      defaultYaml: await defaultMappingSource(hub, connection.kind, key),
      overrideYaml: override.yaml,
      effectiveYaml: effectiveYaml(current.compiled),
      history: [
        ...history.map(({ source: _source, ...entry }) => entry),
        { version: 1, contentHash: null, createdBy: 'default', createdAt: null },
      ],
    });
  });
  router.get('/mappings/:id/diff', async (req, res) => {
    const key = parseMappingKey(req.params.id);
    const query = parseQuery(diffQuerySchema, req);
    const connection = await connectionOf(hub, key);
    const [from, to] = await Promise.all([
      effectiveAt(hub, connection, key, query.from),
      effectiveAt(hub, connection, key, query.to),
    ]);
    res.json({
      from: query.from,
      to: query.to,
      patch: createTwoFilesPatch(`v${query.from}`, `v${query.to}`, from, to, '', '', { context: 3 }),
    });
  });
  router.post('/mappings/:id/validate', async (req, res) => {
    const key = parseMappingKey(req.params.id);
    const body = parseBody(mappingTextSchema, req);
    const connection = await connectionOf(hub, key);
    try {
      const compiled = await proposed(hub, connection, key, body.yaml);
      res.json({ valid: true, errors: [], hash: compiled.hash });
    } catch (error) {
      res.json({ valid: false, errors: problemsOf(error) });
    }
  });
  router.put('/mappings/:id', async (req, res) => {
    const key = parseMappingKey(req.params.id);
    const body = parseBody(mappingTextSchema, req);
    const connection = await connectionOf(hub, key);
    const saved = await saveMappingOverride(
      hub.store.db,
      connection,
      key.stream,
      key.direction,
      body.yaml,
      req.principal!.email,
      hub.mappingsRoot,
    );
    res.locals.auditDetails = { version: saved.version, label: saved.label };
    res.json({ id: key.id, ...saved });
  });
  router.post('/mappings/:id/dry-run', async (req, res) => {
    const key = parseMappingKey(req.params.id);
    const body = parseBody(dryRunBodySchema, req);
    const connection = await connectionOf(hub, key);
    let compiled: Awaited<ReturnType<typeof proposed>>;
    try {
      compiled = await proposed(hub, connection, key, body.yaml);
    } catch (error) {
      res.json({
        valid: false,
        errors: problemsOf(error),
        samples: [],
        summary: { total: 0, ok: 0, pending: 0, invalid: 0 },
      });
      return;
    }
    const resolver = createXrefResolver(hub.store.db, connection.id);
    const samples = await samplesOf(hub, key, body, connection.spec.entity, resolver);
    if (samples.length === 0)
      throw new HubError('invalid_data', 'no_samples', 'Give samples or a failureId to dry-run on', {
        fieldPath: 'samples',
      });
    const entity = compiled.definition.entity;
    const validate =
      key.direction === 'in' && isEntityName(entity) ? zodValidator(entitySchemas[entity]) : undefined;
    // Inbound samples meet the run's own checks before mapping (primary key, storable strings).
    const check = key.direction === 'in' ? inboundRecordCheck(connection.spec) : undefined;
    const report = await dryRun(compiled, samples, { resolver }, validate, check);
    res.json({ valid: true, errors: [], ...report });
  });
  return router;
}
