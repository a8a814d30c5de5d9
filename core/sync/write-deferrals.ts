import type { StreamSpec } from '../connector/types.ts';
import { HubError } from '../errors/index.ts';
import { describePendingRefs, type PendingRef } from '../mapping/index.ts';
import type { Hub } from '../runtime/hub.ts';
import { contentHash } from '../store/hash.ts';
import type { GoldenBody } from '../store/repos/golden.ts';
import { type NewFailure, recordFailure } from './failures.ts';
import { type WriteItem, type WriteJob, writeQueueName } from './write-targets.ts';

// A write batch put off: creates another job is sending (busy), or records whose references have
// not reached the target yet (waiting). Each goes back to the connection's write queue for later.

/** How long an outbound record may wait for a referenced record to reach the target. */
const PENDING_OUT_MAX_MS = 10 * 60_000;
const PENDING_OUT_RETRY_MS = 2_000;
/**
 * A longer gap between two tries of a waiting batch means nobody consumed its queue meanwhile (the
 * target paused, every worker stopped): the gap counts as this long, so a maintenance window does
 * not use up the wait the batch gets once writing goes on.
 */
const PENDING_OUT_GAP_COUNTED_MS = 60_000;

/** How long a batch's records have waited for their references, as of `now`. */
function pendingWaitedMs(job: WriteJob, now: number): number {
  if (job.pendingSince === undefined) return 0;
  // Queued by a hub that did not count tries: the time since the first wait, as it did.
  if (job.pendingTriedAt === undefined) return now - job.pendingSince;
  return (
    (job.pendingWaitedMs ?? 0) + Math.min(Math.max(0, now - job.pendingTriedAt), PENDING_OUT_GAP_COUNTED_MS)
  );
}
const BUSY_RETRY_MS = 1_000;

/** Creates another job is sending right now are tried again once it has had time to record them. */
export async function deferBusy(hub: Hub, job: WriteJob, busy: WriteItem[]) {
  if (busy.length === 0) return;
  await deferLater(hub, { ...job, items: busy }, 'wb', BUSY_RETRY_MS);
}

/**
 * Queues a batch again after `delayMs`. Its id is stable for a handler that runs twice (a crash
 * before the job completed), and it counts the deferrals: a job deferring the same items again
 * inside one time bucket (a clock a little behind the host that queued it) would otherwise get
 * its own id, which the queue drops as a duplicate of the job still running, and the items with it.
 */
async function deferLater(hub: Hub, job: WriteJob, prefix: 'wb' | 'wp', delayMs: number) {
  const retry = { ...job, deferrals: (job.deferrals ?? 0) + 1 };
  // The id leaves the wait's clock out: the same job handled twice (after a crash) defers once.
  const { pendingWaitedMs: _waited, pendingTriedAt: _tried, ...identity } = retry;
  await hub.queue.add(writeQueueName(job.connectionId), 'write', retry, {
    delayMs,
    jobId: `${prefix}-${contentHash([identity, Math.floor(Date.now() / delayMs)])}`,
  });
}

/** A record the mapping put off, with the references the target does not know yet. */
export interface WaitingRecord {
  record: GoldenBody;
  refs: PendingRef[];
}

/**
 * Records whose references have not reached the target yet are written again a little later; once
 * they have waited too long, each is filed naming what it waited for, with its mapping and body.
 */
export async function deferWaiting(
  hub: Hub,
  job: WriteJob,
  spec: StreamSpec,
  waiting: WaitingRecord[],
  mappingVersion: string,
) {
  if (waiting.length === 0) return;
  const now = Date.now();
  const waited = pendingWaitedMs(job, now);
  if (waited > PENDING_OUT_MAX_MS) {
    for (const item of waiting)
      await recordFailure(hub.store.db, neverReached(job, spec, item, { waited, mappingVersion }));
    return;
  }
  const items = waiting.map(({ record }) => ({ canonicalId: record.id, version: record.version }));
  const pending = { pendingSince: job.pendingSince ?? now, pendingWaitedMs: waited, pendingTriedAt: now };
  await deferLater(hub, { ...job, items, ...pending }, 'wp', PENDING_OUT_RETRY_MS);
}

function neverReached(
  job: WriteJob,
  spec: StreamSpec,
  { record, refs }: WaitingRecord,
  { waited, mappingVersion }: { waited: number; mappingVersion: string },
): NewFailure {
  const error = new HubError(
    'not_found',
    'pending_reference_timeout',
    `${spec.entity} ${record.id} was not written to ${job.connectionId}: ${describePendingRefs(refs, waited)}`,
    { fieldPath: refs[0]?.fieldPath, details: { pendingRefs: refs } },
  );
  const { connectionId, stream } = job;
  return {
    connectionId,
    stream,
    direction: 'out',
    canonicalId: record.id,
    rawPayload: record.body,
    error,
    mappingVersion,
  };
}
