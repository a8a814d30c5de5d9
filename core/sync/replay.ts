import { findStream } from '../connector/define.ts';
import { HubError, toHubError } from '../errors/index.ts';
import type { Hub } from '../runtime/hub.ts';
import {
  type FailedSync,
  type FailureFilter,
  foldIntoReplayed,
  getFailure,
  listFailures,
  recordFailure,
  setFailureState,
} from './failures.ts';
import { type InboundStream, type PageOutcome, processInboundPage, releaseParked } from './inbound.ts';
import { inboundStreamFor } from './run-sync.ts';
import { enqueueWrites } from './write-targets.ts';

export interface ReplayResult {
  id: string;
  state: FailedSync['state'];
  message?: string;
}

/**
 * Replays one failure with the mapping as it is now. Inbound: the raw payload is mapped and
 * written again at once, so the answer says whether it is resolved. Outbound: the record's newest
 * version is queued for writing; the failure turns resolved when that write succeeds, open again
 * when it fails for good, and resolved with the reason when the record has nothing left to write
 * (merged away, or deleted before it reached the target).
 */
export async function replayFailure(hub: Hub, id: string): Promise<ReplayResult> {
  const failure = await findFailure(hub, id);
  if (isSettled(failure)) return { id, state: failure.state, message: `already ${failure.state}` };
  return replayUnsettled(hub, failure);
}

async function findFailure(hub: Hub, id: string): Promise<FailedSync> {
  const failure = await getFailure(hub.store.db, id);
  if (!failure) throw new HubError('not_found', 'failure_not_found', `No failed sync ${id}`);
  return failure;
}

/** A resolved or ignored failure has nothing left to replay. */
const isSettled = (failure: FailedSync) => failure.state === 'resolved' || failure.state === 'ignored';

async function replayUnsettled(hub: Hub, failure: FailedSync): Promise<ReplayResult> {
  if (failure.direction === 'in') return replayInbound(hub, failure);
  if (failure.direction === 'out') return replayOutbound(hub, failure);
  throw new HubError(
    'config',
    'replay_not_supported',
    `failures of direction ${failure.direction} are replayed by their flow`,
  );
}

async function replayInbound(hub: Hub, failure: FailedSync): Promise<ReplayResult> {
  const stream = await inboundStreamFor(hub, failure.connectionId, failure.stream);
  const { rows } = await hub.store.db.query<{ since: string }>('SELECT now()::text AS since');
  await setFailureState(hub.store.db, failure.id, 'replayed');
  let outcome: PageOutcome | undefined;
  try {
    outcome = await processInboundPage(stream, { records: [failure.rawPayload] });
  } catch (error) {
    await recordFailure(hub.store.db, {
      connectionId: failure.connectionId,
      stream: failure.stream,
      direction: 'in',
      externalId: failure.externalId ?? undefined,
      rawPayload: failure.rawPayload,
      error: toHubError(error),
    });
  }
  if (outcome && outcome.counts.failed === 0 && outcome.counts.pending === 0) {
    await setFailureState(hub.store.db, failure.id, 'resolved');
    await releaseWaitingFor(hub, stream, outcome.written);
    return { id: failure.id, state: 'resolved' };
  }
  await foldIntoReplayed(hub.store.db, failure, rows[0]!.since);
  const after = await getFailure(hub.store.db, failure.id);
  return { id: failure.id, state: after?.state ?? 'open', message: after?.message };
}

/** Parked records that waited for the replayed record are written now, as after a run's page. */
async function releaseWaitingFor(hub: Hub, stream: InboundStream, written: string[]): Promise<void> {
  const connectionId = stream.connection.id;
  const streamOf = (name: string) =>
    name === stream.spec.name ? Promise.resolve(stream) : inboundStreamFor(hub, connectionId, name);
  await releaseParked(hub.store.db, streamOf, connectionId, stream.spec.entity, written);
}

async function replayOutbound(hub: Hub, failure: FailedSync): Promise<ReplayResult> {
  if (!failure.canonicalId)
    throw new HubError(
      'invalid_data',
      'replay_without_record',
      `failed sync ${failure.id} names no canonical record`,
    );
  const connection = await hub.store.connections.get(failure.connectionId);
  const spec = findStream(hub.connectors.find(connection.kind), failure.stream, connection.config);
  await setFailureState(hub.store.db, failure.id, 'replayed');
  const job = {
    connectionId: connection.id,
    stream: spec.name,
    items: [{ canonicalId: failure.canonicalId, version: 0 }],
    force: true,
  };
  // Marked before it is queued, so that a write done at once is not marked over. A replay that
  // could not be queued leaves the failure as it was: marked replayed, no write would settle it.
  await enqueueWrites(hub, job, spec, `replay-${failure.id}-${Date.now()}`).catch(async (error: unknown) => {
    await setFailureState(hub.store.db, failure.id, failure.state);
    throw error;
  });
  return { id: failure.id, state: 'replayed' };
}

export interface SkippedReplay {
  id: string;
  code: string;
  message: string;
}

export interface MatchingReplay {
  /** Failures replayed, whatever state each ended in; those already resolved or ignored are skipped. */
  replayed: number;
  results: ReplayResult[];
  /** Failures that could not be replayed (e.g. a flow's, or of a stream gone from the connection). */
  skipped: number;
  skips: SkippedReplay[];
  /** Failures that matched but were left for a later call because of the limit. */
  beyondLimit: number;
}

function settledSkip(failure: FailedSync): SkippedReplay {
  const { id, state } = failure;
  return {
    id,
    code: `already_${state}`,
    message: `failed sync ${id} is already ${state}: nothing to replay`,
  };
}

/**
 * Replays every matching failure up to `limit`; one that cannot be replayed does not stop the rest.
 * The longest unseen go first: a replay that fails again is seen now, so a later call with the same
 * filter takes up the failures left beyond the limit instead of replaying the same ones again.
 */
export async function replayMatching(hub: Hub, filter: FailureFilter, limit = 1000): Promise<MatchingReplay> {
  const { items, total } = await listFailures(
    hub.store.db,
    { ...filter, state: filter.state ?? 'open' },
    { limit, offset: 0 },
    'oldest_first',
  );
  const results: ReplayResult[] = [];
  const skips: SkippedReplay[] = [];
  for (const listed of items) {
    try {
      // Read again: a failure listed as open may have been resolved meanwhile.
      const failure = await findFailure(hub, listed.id);
      if (isSettled(failure)) skips.push(settledSkip(failure));
      else results.push(await replayUnsettled(hub, failure));
    } catch (error) {
      const { code, message } = toHubError(error);
      skips.push({ id: listed.id, code, message });
    }
  }
  return {
    replayed: results.length,
    results,
    skipped: skips.length,
    skips,
    beyondLimit: Math.max(0, total - items.length),
  };
}
