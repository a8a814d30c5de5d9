import { randomUUID } from 'node:crypto';
import { findStream } from '../connector/define.ts';
import type { StreamSpec, WriteResult } from '../connector/types.ts';
import { HubError } from '../errors/index.ts';
import { writeLatency } from '../log/metrics.ts';
import { applyMapping } from '../mapping/index.ts';
import type { Hub } from '../runtime/hub.ts';
import type { Queryable } from '../store/db.ts';
import { noteRowsWritten, OUTBOUND_TABLES } from '../store/planner-stats.ts';
import { type GoldenBody, goldenBodiesByIds } from '../store/repos/golden.ts';
import { circuitPauseOf, throughCircuit } from './circuit.ts';
import { contextFor } from './connector-context.ts';
import {
  CREATE_CLAIM_LEASE_MS,
  claimCreates,
  claimsSettled,
  createsInDoubt,
  dropClaims,
  releaseClaims,
} from './create-claims.ts';
import { noteCredentials, recordFailure, resolveFailuresWithoutWrite } from './failures.ts';
import { mappingFor } from './mapping-source.ts';
import { deferBusy, deferWaiting, type WaitingRecord } from './write-deferrals.ts';
import {
  batchRetryError,
  failIfTargetDown,
  namingUnwritten,
  type PlannedOp,
  recordWrites,
  sortResults,
  supersededWrites,
} from './write-results.ts';
import type { WriteItem, WriteJob } from './write-targets.ts';
import { createXrefResolver } from './xref-resolver.ts';

export const idempotencyKeyOf = (
  connectionId: string,
  stream: string,
  canonicalId: string,
  version: number,
) => `${connectionId}:${stream}:${canonicalId}:${version}`;

/**
 * What the outbound mapping maps for a record: its body with its canonical id, its version and its
 * id in the target (undefined until the target has it). A dry-run maps the same (mappings route).
 */
export const outboundMappingInput = (
  record: { id: string; version: number | undefined; body: Record<string, unknown> },
  externalId: string | undefined,
): Record<string, unknown> => ({ ...record.body, id: record.id, version: record.version, externalId });

async function alreadyWritten(db: Queryable, keys: string[]): Promise<Set<string>> {
  const { rows } = await db.query<{ idempotency_key: string }>(
    `SELECT idempotency_key FROM outbound_writes WHERE idempotency_key = ANY($1::text[]) AND status = 'done'`,
    [keys],
  );
  return new Set(rows.map((row) => row.idempotency_key));
}

export interface DirectWriteOptions {
  /**
   * How long a direct caller waits, in all, for creates another job is sending: at most the claim
   * lease, however often that job refreshes its claim (each retry of a queued job does).
   */
  claimWaitMs?: number;
}

/**
 * Writes one batch to a target: the newest version of each record, mapped outbound, skipping
 * what this version already wrote (idempotency key). Successes are recorded before transient
 * failures are thrown for a retry, so a retry never repeats a write that took effect. A queued
 * job (`queueJobId`) leaves the creates another job is sending to a job of their own, a second
 * later; a direct caller needs its answer now and waits for them, up to `claimWaitMs`.
 */
export async function handleWriteJob(
  hub: Hub,
  job: WriteJob,
  queueJobId?: string,
  options: DirectWriteOptions = {},
): Promise<void> {
  if (queueJobId !== undefined) {
    await writeBatch(hub, job, { jobId: queueJobId, queued: true });
    return;
  }
  const jobId = randomUUID();
  const deadline = Date.now() + (options.claimWaitMs ?? CREATE_CLAIM_LEASE_MS);
  // Claims left behind would hold a replay of the caller off until their lease ran out.
  await writeDirect(hub, job, jobId, deadline).catch(async (error: unknown) => {
    await releaseClaims(hub.store.db, jobId).catch(() => undefined);
    throw error;
  });
}

/**
 * Writes the batch, then, once the creates another job was sending have settled, what is left of
 * them: nothing when that job wrote this version, else an update to the id it recorded (or a
 * create, if the target refused it or its claim expired). One deadline covers every round.
 */
async function writeDirect(hub: Hub, job: WriteJob, jobId: string, deadline: number): Promise<void> {
  const busy = await writeBatch(hub, job, { jobId, queued: false });
  if (busy.length === 0) return;
  const ids = busy.map((item) => item.canonicalId);
  const held = await claimsSettled(hub.store.db, job, ids, jobId, deadline);
  if (held.length > 0) throw createStillClaimed(job, held);
  await writeDirect(hub, { ...job, items: busy }, jobId, deadline);
}

/** Retryable: the caller (a flow job) tries again later instead of sending a create twice. */
function createStillClaimed(job: WriteJob, canonicalIds: string[]): HubError {
  return new HubError(
    'transient',
    'create_claimed_elsewhere',
    `${job.connectionId}/${job.stream}: record ${canonicalIds.join(', ')} is still being created by another job; try again later`,
    { details: { connectionId: job.connectionId, stream: job.stream, canonicalIds } },
  );
}

/** Writes a batch and answers the creates another job is sending (for a queued job, already deferred). */
async function writeBatch(
  hub: Hub,
  job: WriteJob,
  claimant: { jobId: string; queued: boolean },
): Promise<WriteItem[]> {
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
  const [skip, inDoubt] = await Promise.all([
    job.force ? new Set<string>() : alreadyWritten(db, keys),
    createsInDoubt(
      db,
      job,
      candidates.filter((record) => record.deleted).map((record) => record.id),
    ),
    resolver.prefetchCanonical(
      spec.entity,
      [...golden.keys()],
      new Set(candidates.map((record) => record.id)),
    ),
  ]);
  if (job.force) await settleUnwritable(db, job, spec, golden, resolver);
  let planned: PlannedOp[] = [];
  const waiting: WaitingRecord[] = [];
  for (const record of candidates) {
    const idempotencyKey = idempotencyKeyOf(connection.id, spec.name, record.id, record.version);
    if (skip.has(idempotencyKey)) continue;
    const externalId = await resolver.toExternal(spec.entity, record.id);
    // A record deleted while its create went unanswered is created again with that create's key:
    // the target answers with the id it made, and the delete (a newer version) follows.
    if (record.deleted && (externalId || !inDoubt.has(record.id))) {
      if (externalId)
        planned.push({
          record,
          op: { idempotencyKey, action: 'delete', canonicalId: record.id, externalId, record: {} },
        });
      continue;
    }
    const result = await applyMapping(mapping.compiled, outboundMappingInput(record, externalId), {
      resolver,
    });
    if (result.status === 'pending') {
      waiting.push({ record, refs: result.pendingRefs });
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
  await deferWaiting(hub, job, spec, waiting, mapping.label);
  const isCreate = (item: PlannedOp) => item.op.action === 'upsert' && !item.op.externalId;
  const claims = await claimCreates(db, job, planned.filter(isCreate), claimant.jobId);
  const busy = claims.busy.map(({ record }) => ({ canonicalId: record.id, version: record.version }));
  if (claimant.queued) await deferBusy(hub, job, busy);
  planned = [...planned.filter((item) => !isCreate(item)), ...claims.send];
  if (planned.length === 0) return busy;

  const ctx = contextFor(hub.store, connector, connection);
  const halfOpenAfterMs = circuitPauseOf(connection.options);
  const timer = writeLatency.startTimer({ connection: connection.id });
  const results = await throughCircuit(
    connection.id,
    async () =>
      failIfTargetDown(
        await connector.write(
          ctx,
          spec.name,
          planned.map((p) => p.op),
        ),
      ),
    { halfOpenAfterMs },
  )
    .finally(timer)
    .catch(async (error: unknown) => {
      await noteCredentials(hub.store.connections, connection, error);
      throw namingUnwritten(
        error,
        planned.map((item) => item.record.id),
      );
    });
  await noteCredentials(hub.store.connections, connection, credentialsRefusedByAll(results));
  const { done, refused, retryable, retriedIds } = sortResults(planned, results);
  const staleCreates = done
    .filter(({ planned: item }) => claims.stale.has(item.record.id))
    .map(({ planned: item }) => item.record.id);
  const fileFailure = (tx: Queryable, item: PlannedOp, error: HubError) =>
    recordFailure(tx, {
      connectionId: connection.id,
      stream: spec.name,
      direction: 'out',
      canonicalId: item.record.id,
      rawPayload: item.record.body,
      mappedPayload: item.op.record,
      error,
      mappingVersion: mapping.label,
    });
  const { recorded, superseded } = await db.transaction(async (tx) => {
    const superseded = await supersededWrites(tx, job, done);
    for (const { planned: item, error } of refused) await fileFailure(tx, item, error);
    await dropClaims(
      tx,
      refused
        .filter(({ planned: item }) => isCreate(item))
        .map(({ planned: item }) => item.op.idempotencyKey),
    );
    // A create the target matched to another record is refused for good too: its claim goes.
    const recorded = await recordWrites(tx, job, spec, done, async (write, error) => {
      await fileFailure(tx, write.planned, error);
      if (isCreate(write.planned)) await dropClaims(tx, [write.planned.op.idempotencyKey]);
    });
    return { recorded, superseded };
  });
  noteRowsWritten(db, recorded.length, OUTBOUND_TABLES);
  const follows = newerVersionsFollow(staleCreates, superseded);
  if (retryable.length + follows.length > 0) {
    const unwritten = [...retriedIds, ...staleCreates, ...superseded];
    throw namingUnwritten(batchRetryError([...retryable, ...follows], planned.length), unwritten);
  }
  return busy;
}

/** Retries for records whose newest version did not reach the target by this batch's writes. */
function newerVersionsFollow(staleCreates: string[], superseded: string[]): HubError[] {
  const follows: HubError[] = [];
  if (staleCreates.length > 0)
    follows.push(
      new HubError(
        'transient',
        'newer_version_follows',
        `${staleCreates.length} records were created from their first try; their newer version follows as an update`,
      ),
    );
  if (superseded.length > 0)
    follows.push(
      new HubError(
        'transient',
        'newer_version_follows',
        `${superseded.length} records were written at an older version after a newer one; the newest follows`,
      ),
    );
  return follows;
}

/**
 * The first refusal, when the target refused every write of the batch for its credentials: that
 * says what a refused call says. Any other answer got through (undefined).
 */
function credentialsRefusedByAll(results: WriteResult[]): HubError | undefined {
  const refusals = results.flatMap((result) => (result.ok ? [] : [result.error]));
  if (results.length === 0 || refusals.length < results.length) return undefined;
  const first = refusals[0]!;
  return refusals.every((error) => error.kind === 'auth')
    ? new HubError('auth', first.code, first.message)
    : undefined;
}

/**
 * Why a record has nothing left to write to `target`, if so: its data lives on in the record it
 * was merged into (written by that record's own jobs), or it was removed before it got there.
 */
function nothingToWrite(
  id: string,
  record: GoldenBody | undefined,
  externalId: string | undefined,
  target: string,
): string | undefined {
  if (!record) return `Resolved without a write: record ${id} is no longer in the hub.`;
  if (record.mergedInto)
    return `Resolved without a write: ${record.entity} ${id} was merged into ${record.mergedInto}, whose own writes carry its data to ${target}.`;
  if (record.deleted && !externalId)
    return `Resolved without a write: ${record.entity} ${id} was deleted in the hub before it reached ${target}.`;
  return undefined;
}

/**
 * A replay (a forced job) of a record with nothing left to write resolves its failure and says
 * why: no write will ever succeed for it, so it would otherwise stay replayed for good.
 */
async function settleUnwritable(
  db: Queryable,
  job: WriteJob,
  spec: StreamSpec,
  golden: Map<string, GoldenBody>,
  resolver: ReturnType<typeof createXrefResolver>,
): Promise<void> {
  for (const { canonicalId } of job.items) {
    const record = golden.get(canonicalId);
    const externalId = record ? await resolver.toExternal(spec.entity, canonicalId) : undefined;
    const reason = nothingToWrite(canonicalId, record, externalId, job.connectionId);
    if (!reason) continue;
    await resolveFailuresWithoutWrite(
      db,
      { connectionId: job.connectionId, stream: spec.name, canonicalId },
      reason,
    );
  }
}
