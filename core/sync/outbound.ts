import { findStream } from '../connector/define.ts';
import type { StreamSpec, WriteOp, WriteResult } from '../connector/types.ts';
import { HubError } from '../errors/index.ts';
import { writeLatency } from '../log/metrics.ts';
import { applyMapping } from '../mapping/index.ts';
import type { Hub } from '../runtime/hub.ts';
import type { Queryable } from '../store/db.ts';
import { contentHash } from '../store/hash.ts';
import { noteRowsWritten } from '../store/planner-stats.ts';
import { type GoldenBody, goldenBodiesByIds } from '../store/repos/golden.ts';
import { linkXrefs } from '../store/repos/xref.ts';
import { throughCircuit } from './circuit.ts';
import { contextFor } from './connector-context.ts';
import { recordFailure, resolveFailuresFor } from './failures.ts';
import { mappingFor } from './mapping-source.ts';
import { type WriteItem, type WriteJob, writeQueueName } from './write-targets.ts';
import { createXrefResolver } from './xref-resolver.ts';

export const idempotencyKeyOf = (
  connectionId: string,
  stream: string,
  canonicalId: string,
  version: number,
) => `${connectionId}:${stream}:${canonicalId}:${version}`;

/** How long an outbound record may wait for a referenced record to reach the target. */
const PENDING_OUT_MAX_MS = 10 * 60_000;
const PENDING_OUT_RETRY_MS = 2_000;

interface PlannedOp {
  op: WriteOp;
  record: GoldenBody;
}

async function alreadyWritten(db: Queryable, keys: string[]): Promise<Set<string>> {
  const { rows } = await db.query<{ idempotency_key: string }>(
    `SELECT idempotency_key FROM outbound_writes WHERE idempotency_key = ANY($1::text[]) AND status = 'done'`,
    [keys],
  );
  return new Set(rows.map((row) => row.idempotency_key));
}

async function recordWrites(
  tx: Queryable,
  job: WriteJob,
  spec: StreamSpec,
  done: Array<{ planned: PlannedOp; result: Extract<WriteResult, { ok: true }> }>,
) {
  if (done.length === 0) return;
  const rows = done.map(({ planned, result }) => ({
    idempotency_key: planned.op.idempotencyKey,
    canonical_id: planned.record.id,
    version: planned.record.version,
    external_id: result.externalId,
    body: planned.record.body,
    content_hash: contentHash(planned.record.body),
  }));
  const json = JSON.stringify(rows);
  await tx.query(
    `INSERT INTO outbound_writes (idempotency_key, connection_id, stream, canonical_id, version, external_id, content_hash, status)
     SELECT idempotency_key, $6, $7, canonical_id, version, external_id, content_hash, 'done'
     FROM unnest($1::text[], $2::uuid[], $3::int[], $4::text[], $5::text[]) AS w(idempotency_key, canonical_id, version, external_id, content_hash)
     ON CONFLICT (idempotency_key) DO UPDATE SET status = 'done', external_id = EXCLUDED.external_id, written_at = now()`,
    [
      rows.map((row) => row.idempotency_key),
      rows.map((row) => row.canonical_id),
      rows.map((row) => row.version),
      rows.map((row) => row.external_id),
      rows.map((row) => row.content_hash),
      job.connectionId,
      job.stream,
    ],
  );
  await tx.query(
    `INSERT INTO last_written (connection_id, stream, external_id, canonical_id, version, body, content_hash)
     SELECT $2, $3, external_id, canonical_id, version, body, content_hash
     FROM jsonb_to_recordset($1::jsonb) AS w(external_id text, canonical_id uuid, version int, body jsonb, content_hash text)
     ON CONFLICT (connection_id, stream, external_id) DO UPDATE SET canonical_id = EXCLUDED.canonical_id, version = EXCLUDED.version,
       body = EXCLUDED.body, content_hash = EXCLUDED.content_hash, written_at = now()`,
    [json, job.connectionId, job.stream],
  );
  const fresh = done.filter(({ planned, result }) => planned.op.externalId !== result.externalId);
  await linkXrefs(
    tx,
    fresh.map(({ planned, result }) => ({
      entity: spec.entity,
      canonicalId: planned.record.id,
      connectionId: job.connectionId,
      externalId: result.externalId,
    })),
  );
  await resolveFailuresFor(tx, {
    connectionId: job.connectionId,
    stream: job.stream,
    direction: 'out',
    canonicalIds: done.map(({ planned }) => planned.record.id),
  });
}

/**
 * Writes one batch to a target: the newest version of each record, mapped outbound, skipping
 * what this version already wrote (idempotency key). Successes are recorded before transient
 * failures are thrown for a retry, so a retry never repeats a write that took effect.
 */
export async function handleWriteJob(hub: Hub, job: WriteJob & { pendingSince?: number }): Promise<void> {
  const { db } = hub.store;
  const connection = await hub.store.connections.getCached(job.connectionId);
  const connector = hub.connectors.find(connection.kind);
  const spec = findStream(connector, job.stream, connection.config);
  // Independent reads go out together: a write job's latency is mostly round trips.
  const [mapping, golden] = await Promise.all([
    mappingFor(db, connection, spec.name, 'out', hub.mappingsRoot),
    goldenBodiesByIds(
      db,
      job.items.map((item) => item.canonicalId),
    ),
  ]);
  const resolver = createXrefResolver(db, connection.id);
  const candidates = [...golden.values()].filter((record) => !record.mergedInto);
  const keys = candidates.map((record) =>
    idempotencyKeyOf(connection.id, spec.name, record.id, record.version),
  );
  const [skip] = await Promise.all([
    job.force ? new Set<string>() : alreadyWritten(db, keys),
    resolver.prefetchCanonical(spec.entity, [...golden.keys()]),
  ]);
  const planned: PlannedOp[] = [];
  const waiting: WriteItem[] = [];
  for (const record of candidates) {
    const idempotencyKey = idempotencyKeyOf(connection.id, spec.name, record.id, record.version);
    if (skip.has(idempotencyKey)) continue;
    const externalId = await resolver.toExternal(spec.entity, record.id);
    if (record.deleted) {
      if (externalId)
        planned.push({
          record,
          op: { idempotencyKey, action: 'delete', canonicalId: record.id, externalId, record: {} },
        });
      continue;
    }
    const result = await applyMapping(
      mapping.compiled,
      { ...record.body, id: record.id, version: record.version, externalId },
      { resolver },
    );
    if (result.status === 'pending') {
      waiting.push({ canonicalId: record.id, version: record.version });
      continue;
    }
    if (result.status === 'invalid') {
      const first = result.errors[0]!;
      const error = new HubError(
        'invalid_data',
        first.code,
        `${spec.entity} ${record.id}: ${first.path}: ${first.message}`,
        { fieldPath: first.path },
      );
      await recordFailure(db, {
        connectionId: connection.id,
        stream: spec.name,
        direction: 'out',
        canonicalId: record.id,
        rawPayload: record.body,
        mappedPayload: result.value,
        error,
        mappingVersion: mapping.label,
      });
      continue;
    }
    planned.push({
      record,
      op: { idempotencyKey, action: 'upsert', canonicalId: record.id, externalId, record: result.value },
    });
  }
  await deferWaiting(hub, job, spec, waiting);
  if (planned.length === 0) return;

  const ctx = contextFor(hub.store, connector, connection);
  const halfOpenAfterMs = Number(connection.options.circuitHalfOpenMs ?? 10_000);
  const timer = writeLatency.startTimer({ connection: connection.id });
  const results = await throughCircuit(
    connection.id,
    () =>
      connector.write(
        ctx,
        spec.name,
        planned.map((p) => p.op),
      ),
    { halfOpenAfterMs },
  ).finally(timer);
  const byKey = new Map(planned.map((p) => [p.op.idempotencyKey, p]));
  const done: Array<{ planned: PlannedOp; result: Extract<WriteResult, { ok: true }> }> = [];
  const retryable: HubError[] = [];
  await db.transaction(async (tx) => {
    for (const result of results) {
      const item = byKey.get(result.idempotencyKey);
      if (!item) continue;
      if (result.ok) {
        done.push({ planned: item, result });
        continue;
      }
      const error = new HubError(result.error.kind, result.error.code, result.error.message, {
        fieldPath: result.error.fieldPath,
      });
      if (error.retryable) retryable.push(error);
      else
        await recordFailure(tx, {
          connectionId: connection.id,
          stream: spec.name,
          direction: 'out',
          canonicalId: item.record.id,
          rawPayload: item.record.body,
          mappedPayload: item.op.record,
          error,
          mappingVersion: mapping.label,
        });
    }
    await recordWrites(tx, job, spec, done);
  });
  noteRowsWritten(db, done.length);
  if (retryable.length > 0) {
    const wait = Math.max(0, ...retryable.map((error) => error.retryAfterMs ?? 0));
    throw new HubError(
      retryable[0]!.kind,
      retryable[0]!.code,
      `${retryable.length} of ${planned.length} writes must be retried: ${retryable[0]!.message}`,
      { retryAfterMs: wait || undefined },
    );
  }
}

/** Records whose references have not reached the target yet are written again a little later. */
async function deferWaiting(
  hub: Hub,
  job: WriteJob & { pendingSince?: number },
  spec: StreamSpec,
  waiting: WriteItem[],
) {
  if (waiting.length === 0) return;
  const since = job.pendingSince ?? Date.now();
  if (Date.now() - since > PENDING_OUT_MAX_MS) {
    for (const item of waiting) {
      const error = new HubError(
        'not_found',
        'pending_reference_timeout',
        `${spec.entity} ${item.canonicalId}: a referenced record never reached ${job.connectionId}`,
      );
      await recordFailure(hub.store.db, {
        connectionId: job.connectionId,
        stream: job.stream,
        direction: 'out',
        canonicalId: item.canonicalId,
        error,
      });
    }
    return;
  }
  const retry = { ...job, items: waiting, pendingSince: since };
  await hub.queue.add(writeQueueName(job.connectionId), 'write', retry, {
    delayMs: PENDING_OUT_RETRY_MS,
    jobId: `wp-${contentHash([retry, Math.floor(Date.now() / PENDING_OUT_RETRY_MS)])}`,
  });
}
