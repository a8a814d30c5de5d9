import { z } from 'zod';
import type { StreamSpec, WriteOp, WriteResult } from '../connector/types.ts';
import { HubError, toHubError } from '../errors/index.ts';
import { lockIdBuckets } from '../store/bucket-locks.ts';
import type { Queryable } from '../store/db.ts';
import { contentHash } from '../store/hash.ts';
import type { GoldenBody } from '../store/repos/golden.ts';
import { linkXrefsWhereFree, moveRecordIds, unlinkXrefs } from '../store/repos/xref.ts';
import { resolveFailuresFor } from './failures.ts';
import type { WriteJob } from './write-targets.ts';

export interface PlannedOp {
  op: WriteOp;
  record: GoldenBody;
}

export interface DoneWrite {
  planned: PlannedOp;
  result: Extract<WriteResult, { ok: true }>;
}

export interface SortedResults {
  done: DoneWrite[];
  /** Refused for good (bad data, a duplicate): filed as failures. */
  refused: Array<{ planned: PlannedOp; error: HubError }>;
  /** Worth another try (rate limit, 5xx, timeout, no answer for the record). */
  retryable: HubError[];
  /** The canonical ids of the records worth another try. */
  retriedIds: string[];
}

/** Sorts a target's answers by outcome; an op the target gave no answer for is retried. */
export function sortResults(planned: PlannedOp[], results: WriteResult[]): SortedResults {
  const byKey = new Map(results.map((result) => [result.idempotencyKey, result]));
  const sorted: SortedResults = { done: [], refused: [], retryable: [], retriedIds: [] };
  for (const item of planned) {
    const result = byKey.get(item.op.idempotencyKey);
    if (result?.ok) {
      sorted.done.push({ planned: item, result });
      continue;
    }
    const error = result
      ? new HubError(result.error.kind, result.error.code, result.error.message, {
          fieldPath: result.error.fieldPath,
          retryAfterMs: result.error.retryAfterMs,
        })
      : new HubError('transient', 'no_write_result', `the target answered nothing for ${item.record.id}`);
    if (error.retryable) {
      sorted.retryable.push(error);
      sorted.retriedIds.push(item.record.id);
    } else sorted.refused.push({ planned: item, error });
  }
  return sorted;
}

/**
 * One error for a batch's retryable failures: a rate limit among them makes the batch wait what it
 * asked for, as long as the longest wait any of them named.
 */
export function batchRetryError(retryable: HubError[], total: number): HubError {
  const rateLimited = retryable.find((error) => error.kind === 'rate_limited');
  const first = rateLimited ?? retryable[0]!;
  const wait = Math.max(0, ...retryable.map((error) => error.retryAfterMs ?? 0));
  return new HubError(
    first.kind,
    first.code,
    `${retryable.length} of ${total} writes must be retried: ${first.message}`,
    { retryAfterMs: wait || undefined },
  );
}

const unwrittenIdsSchema = z.array(z.string());

/**
 * `error` naming the records of a job it left unwritten. A job that gives up files a failure for
 * those alone: the records it filed itself (refused by the target, or by the mapping) keep theirs.
 */
export function namingUnwritten(error: unknown, canonicalIds: string[]): HubError {
  const cause = toHubError(error);
  return new HubError(cause.kind, cause.code, cause.message, {
    details: { ...cause.details, unwrittenIds: canonicalIds },
    fieldPath: cause.fieldPath,
    retryAfterMs: cause.retryAfterMs,
    cause,
  });
}

/** The records a write job's error names as left unwritten (namingUnwritten), if it names them. */
export function unwrittenIdsOf(error: HubError): string[] | undefined {
  const parsed = unwrittenIdsSchema.safeParse(error.details.unwrittenIds);
  return parsed.success ? parsed.data : undefined;
}

/**
 * Throws when every result of a batch is a transient failure: the target is down as surely as if
 * the call itself had failed, and the connection's circuit breaker must count it.
 */
export function failIfTargetDown(results: WriteResult[]): WriteResult[] {
  const failures = results.flatMap((result) => (result.ok ? [] : [result.error]));
  if (results.length === 0 || failures.length < results.length) return results;
  if (!failures.every((error) => error.kind === 'transient')) return results;
  throw new HubError(
    'transient',
    failures[0]!.code,
    `all ${results.length} writes failed: ${failures[0]!.message}`,
    { retryAfterMs: Math.max(0, ...failures.map((error) => error.retryAfterMs ?? 0)) || undefined },
  );
}

const isDelete = ({ planned }: DoneWrite) => planned.op.action === 'delete';

/**
 * The records of `done` whose newer version another job wrote while this write was on its way:
 * the target may have taken this older one last. Those newer writes are forgotten, so that a retry
 * sends the newest version again instead of skipping it as written. To run first in the recording
 * transaction: its locks make the later of two jobs recording the same records at once see the other.
 */
export async function supersededWrites(tx: Queryable, job: WriteJob, done: DoneWrite[]): Promise<string[]> {
  if (done.length === 0) return [];
  const ids = done.map(({ planned }) => planned.record.id);
  await lockIdBuckets(tx, `${job.connectionId}:${job.stream}`, ids);
  const { rows } = await tx.query<{ canonical_id: string }>(
    `DELETE FROM outbound_writes o USING unnest($3::uuid[], $4::int[]) AS w(canonical_id, version)
     WHERE o.connection_id = $1 AND o.stream = $2 AND o.status = 'done'
       AND o.canonical_id = w.canonical_id AND o.version > w.version
     RETURNING o.canonical_id::text`,
    [job.connectionId, job.stream, ids, done.map(({ planned }) => planned.record.version)],
  );
  return [...new Set(rows.map((row) => row.canonical_id))];
}

/**
 * Records the writes that took effect: the xref of every new target id, the idempotency key, what
 * was written (for echo suppression), and resolves the records' failures. A new id already linked
 * elsewhere (the target matched it to another record) is handed to `onConflict` and left out,
 * without holding up the others. A record the target replaced under a new id (`replaces`) has its
 * link moved there. A delete unlinks the target id. Returns the writes recorded.
 */
export async function recordWrites(
  tx: Queryable,
  job: WriteJob,
  spec: StreamSpec,
  done: DoneWrite[],
  onConflict: (write: DoneWrite, error: HubError) => Promise<void>,
): Promise<DoneWrite[]> {
  const fresh = done.filter(
    (write) => !isDelete(write) && write.planned.op.externalId !== write.result.externalId,
  );
  const moved = await moveReplacedLinks(tx, job, spec, fresh);
  const conflicts = await linkXrefsWhereFree(
    tx,
    fresh
      .filter(({ planned }) => !moved.has(planned.record.id))
      .map(({ planned, result }) => ({
        entity: spec.entity,
        canonicalId: planned.record.id,
        connectionId: job.connectionId,
        externalId: result.externalId,
      })),
  );
  const refused = new Map(conflicts.map(({ link, error }) => [link.canonicalId, error]));
  for (const write of done) {
    const error = refused.get(write.planned.record.id);
    if (error) await onConflict(write, error);
  }
  const recorded = done.filter(({ planned }) => !refused.has(planned.record.id));
  if (recorded.length === 0) return recorded;
  await recordKeys(tx, job, recorded);
  await recordBodies(
    tx,
    job,
    recorded.filter((write) => !isDelete(write)),
  );
  await forgetDeletedTargets(tx, job, spec, recorded.filter(isDelete));
  await resolveFailuresFor(tx, {
    connectionId: job.connectionId,
    stream: job.stream,
    direction: 'out',
    canonicalIds: recorded.map(({ planned }) => planned.record.id),
  });
  return recorded;
}

/**
 * The target replaced these records under new ids (an ERPNext amendment stands in for the document
 * it cancelled): each moves to its new id (moveRecordIds) where it can; one it cannot is linked, or
 * refused as a conflict, like any new id. Returns the canonical ids moved.
 */
async function moveReplacedLinks(
  tx: Queryable,
  job: WriteJob,
  spec: StreamSpec,
  fresh: DoneWrite[],
): Promise<Set<string>> {
  const moves = fresh.flatMap(({ planned, result }) =>
    result.replaces === undefined
      ? []
      : [{ canonicalId: planned.record.id, fromExternalId: result.replaces, externalId: result.externalId }],
  );
  if (moves.length === 0) return new Set();
  return moveRecordIds(
    tx,
    { entity: spec.entity, connectionId: job.connectionId, stream: job.stream },
    moves,
  );
}

const bodyHashes = new WeakMap<GoldenBody, string>();

/**
 * The content hash of a record's body as read for one write job: the job's claims, idempotency
 * keys and last-written rows all carry it, and it is computed once (the body is not changed).
 */
export function bodyHashOf(record: GoldenBody): string {
  let hash = bodyHashes.get(record);
  if (hash === undefined) {
    hash = contentHash(record.body);
    bodyHashes.set(record, hash);
  }
  return hash;
}

const rowsOf = (writes: DoneWrite[]) =>
  writes.map(({ planned, result }) => ({
    idempotency_key: planned.op.idempotencyKey,
    canonical_id: planned.record.id,
    version: planned.record.version,
    external_id: result.externalId,
    body: planned.record.body,
    content_hash: bodyHashOf(planned.record),
  }));

async function recordKeys(tx: Queryable, job: WriteJob, recorded: DoneWrite[]) {
  const rows = rowsOf(recorded);
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
}

async function recordBodies(tx: Queryable, job: WriteJob, written: DoneWrite[]) {
  if (written.length === 0) return;
  await tx.query(
    `INSERT INTO last_written (connection_id, stream, external_id, canonical_id, version, body, content_hash)
     SELECT $2, $3, external_id, canonical_id, version, body, content_hash
     FROM jsonb_to_recordset($1::jsonb) AS w(external_id text, canonical_id uuid, version int, body jsonb, content_hash text)
     ON CONFLICT (connection_id, stream, external_id) DO UPDATE SET canonical_id = EXCLUDED.canonical_id, version = EXCLUDED.version,
       body = EXCLUDED.body, content_hash = EXCLUDED.content_hash, written_at = now()`,
    [JSON.stringify(rowsOf(written)), job.connectionId, job.stream],
  );
}

/**
 * The target no longer has the records the hub deleted there: their ids are unlinked (a record
 * that comes back is created again, under a new id) and what was written to them is forgotten.
 */
async function forgetDeletedTargets(tx: Queryable, job: WriteJob, spec: StreamSpec, deleted: DoneWrite[]) {
  if (deleted.length === 0) return;
  const links = deleted.flatMap(({ planned }) =>
    planned.op.externalId
      ? [
          {
            entity: spec.entity,
            canonicalId: planned.record.id,
            connectionId: job.connectionId,
            externalId: planned.op.externalId,
          },
        ]
      : [],
  );
  await unlinkXrefs(tx, links);
  await tx.query(
    'DELETE FROM last_written WHERE connection_id = $1 AND stream = $2 AND external_id = ANY($3::text[])',
    [job.connectionId, job.stream, links.map((link) => link.externalId)],
  );
}

/**
 * The target ids of the items of a job written at their version or a later one. A later version
 * counts: a job always writes a record's newest version, which carries the changes of the older.
 */
export async function targetIdsWritten(db: Queryable, job: WriteJob): Promise<Map<string, string>> {
  const { rows } = await db.query<{ canonical_id: string; version: number; external_id: string }>(
    `SELECT DISTINCT ON (canonical_id) canonical_id::text, version, external_id FROM outbound_writes
     WHERE connection_id = $1 AND stream = $2 AND canonical_id = ANY($3::uuid[]) AND status = 'done'
     ORDER BY canonical_id, version DESC`,
    [job.connectionId, job.stream, job.items.map((item) => item.canonicalId)],
  );
  const newest = new Map(rows.map((row) => [row.canonical_id, row]));
  const written = new Map<string, string>();
  for (const item of job.items) {
    const row = newest.get(item.canonicalId);
    if (row && row.version >= item.version) written.set(item.canonicalId, row.external_id);
  }
  return written;
}

/** The items of a job whose version (or a later one) has not been written to the target. */
export async function itemsNotWritten(db: Queryable, job: WriteJob): Promise<WriteJob['items']> {
  const written = await targetIdsWritten(db, job);
  return job.items.filter((item) => !written.has(item.canonicalId));
}
