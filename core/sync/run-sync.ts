import { findStream } from '../connector/define.ts';
import type { Cursor } from '../connector/types.ts';
import { type HubError, isHubError, toHubError } from '../errors/index.ts';
import { logger } from '../log/logger.ts';
import { syncRecords, syncRuns } from '../log/metrics.ts';
import type { MatchCarry } from '../mdm/service/matcher.ts';
import type { Hub } from '../runtime/hub.ts';
import type { Queryable } from '../store/db.ts';
import { type Connection, connectionPaused } from '../store/repos/connections.ts';
import { readCursor } from '../store/repos/sync-state.ts';
import { contextFor } from './connector-context.ts';
import { noteCredentials } from './failures.ts';
import {
  addCounts,
  commitPage,
  type InboundPage,
  type InboundStream,
  type PreparedPage,
  preparePage,
  releaseParked,
} from './inbound.ts';
import { mappingFor } from './mapping-source.ts';
import { createParkedInRun } from './parking.ts';
import { rerunIfRequestedSince, takeRunRequests } from './run-requests.ts';
import {
  abandonStaleRuns,
  emptyCounts,
  finishRun,
  getRun,
  type RunCounts,
  type RunStatus,
  type SyncRun,
  saveRunProgress,
  startRun,
} from './runs.ts';
import { createFieldTracker, detectSchemaDrift, type SchemaDrift } from './schema-drift.ts';
import { acquireStreamLease, STREAM_LEASE_LOST, type StreamLease } from './stream-lock.ts';

export interface SyncRequest {
  connectionId: string;
  stream: string;
  /** Ignore the stored cursor and read everything again. */
  full?: boolean;
  onProgress?: (counts: RunCounts) => void;
  signal?: AbortSignal;
}

/** With `cached`, the connection may be a few seconds old (webhook drains, many times a second). */
export async function inboundStreamFor(
  hub: Hub,
  connectionId: string,
  streamName: string,
  options: { cached?: boolean } = {},
): Promise<InboundStream> {
  const { connections } = hub.store;
  const connection = await (options.cached
    ? connections.getCached(connectionId)
    : connections.get(connectionId));
  return inboundStreamOf(hub, connection, streamName);
}

/** A stream of a connection already read; `db` reads its mapping (a transaction of the caller's). */
export async function inboundStreamOf(
  hub: Hub,
  connection: Connection,
  streamName: string,
  db: Queryable = hub.store.db,
): Promise<InboundStream> {
  const connector = hub.connectors.find(connection.kind);
  const spec = findStream(connector, streamName, connection.config);
  const mapping = await mappingFor(db, connection, spec.name, 'in', hub.mappingsRoot);
  return { store: hub.store, connection, connector, spec, mapping };
}

/**
 * The connector's pages, prepared one at a time. With `ahead` (PostgreSQL, where the next page's
 * reads run on another connection than the transaction writing this one), pages are matched
 * before their transaction, against the records of the page written meanwhile.
 */
function pagesOf(
  stream: InboundStream,
  source: AsyncIterable<InboundPage>,
  tracker: ReturnType<typeof createFieldTracker>,
  ahead: boolean,
) {
  const iterator = source[Symbol.asyncIterator]();
  return {
    ahead,
    async next(carry?: MatchCarry): Promise<PreparedPage | undefined> {
      const next = await iterator.next();
      if (next.done) return undefined;
      tracker.observe(next.value.records);
      return preparePage(stream, next.value, { matchAhead: ahead, carry });
    },
    /** Lets the connector release what it holds (a file, a result stream) when a run ends early. */
    async close(): Promise<void> {
      await iterator.return?.();
    },
  };
}

/**
 * Codes of a spent daily allowance, as the connectors raise them: the hub's own ceiling, HubSpot's
 * DAILY policy and Salesforce's REQUEST_LIMIT_EXCEEDED. Other rate limits pass within seconds.
 */
const QUOTA_CODES = new Set(['api_quota_reached', 'rate_limited_daily', 'request_limit_exceeded']);

/** How a run ended besides its error and counts. */
export interface RunEnding {
  /** The request's signal ended the run before the stream did. */
  stopped?: boolean;
  schemaDrift?: SchemaDrift;
}

function driftReason(drift: SchemaDrift = {}): string | undefined {
  const changes = [
    drift.added?.length ? `added: ${drift.added.join(', ')}` : undefined,
    drift.removed?.length ? `removed: ${drift.removed.join(', ')}` : undefined,
  ].filter((change) => change !== undefined);
  return changes.length ? `schema drift (${changes.join('; ')})` : undefined;
}

/** The reason a run stopped through its request's signal (a shutdown, Ctrl-C) carries. */
const STOPPED = 'stopped';

/** The run was stopped through its signal before it read its stream to the end. */
export function endedByStop(run: Pick<SyncRun, 'statusReason'>): boolean {
  return run.statusReason?.split('; ').includes(STOPPED) ?? false;
}

/** Why a run that did not fail synced only part of the stream, or all of it but not cleanly. */
function partialReasons(rateLimit: HubError | undefined, counts: RunCounts, ending: RunEnding): string[] {
  const partly = [
    rateLimit && (QUOTA_CODES.has(rateLimit.code) ? 'quota' : 'rate limited'),
    counts.failed > 0 ? `${counts.failed} records failed` : undefined,
    driftReason(ending.schemaDrift),
  ].filter((reason) => reason !== undefined);
  return [
    ending.stopped ? STOPPED : undefined,
    partly.length ? `partially synced: ${partly.join('; ')}` : undefined,
  ].filter((reason) => reason !== undefined);
}

/** A rate limit ends a run early but cleanly (partial); any other error fails it. */
export function outcomeOf(
  error: unknown,
  counts: RunCounts,
  ending: RunEnding = {},
): { status: RunStatus; reason?: string; error?: string } {
  const hubError = error ? toHubError(error) : undefined;
  if (hubError && hubError.kind !== 'rate_limited')
    return { status: 'failed', reason: hubError.code, error: hubError.message };
  const reasons = partialReasons(hubError, counts, ending);
  if (reasons.length === 0) return { status: 'succeeded' };
  return { status: 'partial', reason: reasons.join('; '), ...(hubError ? { error: hubError.message } : {}) };
}

/** An error the run's own signal caused (a request it cancelled) means the run stopped, not failed. */
function causedByStop(error: unknown, signal: AbortSignal | undefined): boolean {
  if (!signal?.aborted) return false;
  let cause = error;
  for (let depth = 0; depth < 5 && cause !== undefined; depth += 1) {
    if (cause === signal.reason) return true;
    if (!(cause instanceof Error)) return false;
    if (cause.name === 'AbortError' || (cause as { code?: unknown }).code === 'ERR_CANCELED') return true;
    cause = cause.cause;
  }
  return false;
}

interface RunState {
  id: string;
  lease: StreamLease;
  /** The request's signal or the loss of the lease, whichever comes first. */
  signal: AbortSignal;
  counts: RunCounts;
  /** The cursor of the last committed page. */
  cursor: Cursor | undefined;
  stopped: boolean;
}

/** Commits the stream's pages from the run's cursor on, until the stream ends or the signal stops the run. */
async function syncPages(
  hub: Hub,
  request: SyncRequest,
  stream: InboundStream,
  run: RunState,
  tracker: ReturnType<typeof createFieldTracker>,
): Promise<void> {
  const { db } = hub.store;
  const ctx = contextFor(hub.store, stream.connector, stream.connection, run.signal);
  const streamOf = (name: string) =>
    name === stream.spec.name ? Promise.resolve(stream) : inboundStreamFor(hub, request.connectionId, name);
  const parkedInRun = createParkedInRun();
  const source = stream.connector.read(ctx, stream.spec.name, run.cursor);
  const pages = pagesOf(stream, source, tracker, db.driver === 'postgres');
  let previousWritten: string[] = [];
  try {
    let current = await pages.next();
    while (current) {
      const ready = current;
      const committing = commitPage(stream, ready, {
        onCommitted: async (tx, pageCounts) => {
          // Last in the page's transaction: a run that lost its stream commits nothing more.
          await run.lease.confirmHeld(tx);
          await saveRunProgress(tx, run.id, addCounts({ ...run.counts }, pageCounts), ready.page.cursor);
        },
      });
      // The next page is read, mapped and matched while this one is written.
      const upcoming = pages.ahead ? pages.next(ready.matched?.carry) : undefined;
      upcoming?.catch(() => undefined);
      const outcome = await committing;
      addCounts(run.counts, outcome.counts);
      run.cursor = ready.page.cursor;
      parkedInRun.add(stream.spec.name, outcome.parked);
      // The page prepared ahead could not see this one's records: its parked records are retried too.
      const written = [...previousWritten, ...outcome.written];
      addCounts(
        run.counts,
        await releaseParked(db, streamOf, request.connectionId, stream.spec.entity, written, parkedInRun),
      );
      previousWritten = pages.ahead ? outcome.written : [];
      request.onProgress?.({ ...run.counts });
      if (run.lease.lost.aborted) throw run.lease.lost.reason;
      if (request.signal?.aborted) {
        run.stopped = true;
        return;
      }
      current = await (upcoming ?? pages.next());
    }
  } finally {
    await pages.close().catch(() => undefined);
  }
}

/** Runs the pages; an error ends the run early and is returned, a stop through the signal is noted. */
async function syncPagesUntilError(
  hub: Hub,
  request: SyncRequest,
  stream: InboundStream,
  run: RunState,
  tracker: ReturnType<typeof createFieldTracker>,
): Promise<unknown> {
  try {
    await syncPages(hub, request, stream, run, tracker);
    return undefined;
  } catch (error) {
    // Whatever the read or the commit died of once the lease was gone, the lease is why.
    if (run.lease.lost.aborted) return run.lease.lost.reason;
    if (isHubError(error) && error.code === STREAM_LEASE_LOST) return error;
    if (causedByStop(error, request.signal)) {
      run.stopped = true;
      return undefined;
    }
    if (!isHubError(error) || error.kind === 'system')
      logger.error('sync run failed', { connectionId: request.connectionId, stream: request.stream, error });
    return error;
  }
}

function countOutcome(connectionId: string, stream: string, status: RunStatus, counts: RunCounts): void {
  syncRuns.inc({ connection: connectionId, stream, status });
  for (const outcome of ['created', 'updated', 'unchanged', 'failed'] as const) {
    if (counts[outcome]) syncRecords.inc({ connection: connectionId, stream, outcome }, counts[outcome]);
  }
}

/** A signal aborted as soon as any of `signals` is, with that one's reason. */
function firstAbortOf(signals: Array<AbortSignal | undefined>): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const present = signals.filter((signal) => signal !== undefined);
  const follow = (event: Event) => controller.abort((event.target as AbortSignal).reason);
  for (const signal of present) {
    if (signal.aborted) controller.abort(signal.reason);
    else signal.addEventListener('abort', follow, { once: true });
  }
  const dispose = () => {
    for (const signal of present) signal.removeEventListener('abort', follow);
  };
  return { signal: controller.signal, dispose };
}

/** Records how the run ended: its progress, its schema drift, its status. */
async function recordOutcome(
  hub: Hub,
  request: SyncRequest,
  run: RunState,
  tracker: ReturnType<typeof createFieldTracker>,
  ended: { cursorBefore: Cursor | undefined; failure: unknown },
): Promise<SyncRun> {
  const { db } = hub.store;
  const { connectionId, stream } = request;
  const sawEveryRecord = ended.cursorBefore === undefined && !ended.failure && !run.stopped;
  const schemaDrift = await detectSchemaDrift(db, connectionId, stream, tracker, { sawEveryRecord });
  await saveRunProgress(db, run.id, run.counts, run.cursor);
  const outcome = outcomeOf(ended.failure, run.counts, { stopped: run.stopped, schemaDrift });
  await finishRun(db, run.id, { ...outcome, counts: run.counts, schemaDrift });
  countOutcome(connectionId, stream, outcome.status, run.counts);
  return (await getRun(db, run.id))!;
}

const leaseLost = (failure: unknown): failure is HubError =>
  isHubError(failure) && failure.code === STREAM_LEASE_LOST;

/**
 * What the run showed of the connection's credentials, kept in its status: refused, or working
 * when it read its stream to the end. A run stopped early without an error shows neither.
 */
async function noteRunCredentials(hub: Hub, connection: Connection, run: RunState, failure: unknown) {
  if (failure !== undefined) await noteCredentials(hub.store.connections, connection, failure);
  else if (!run.stopped) await noteCredentials(hub.store.connections, connection);
}

/**
 * Reads pages from the stored cursor on; each page is mapped, validated and written with its
 * cursor in one transaction, so a crash resumes at the last committed page with no gap and no
 * duplicate. A quota or rate limit, or the request's signal, ends the run early and cleanly,
 * keeping the cursor. A run that lost its stream lease to another worker stops without
 * committing anything more and throws `stream_lease_lost`: the stream is no longer its own.
 * A paused connection is not read: its run is refused (`connection_paused`) before it starts.
 */
export async function runSync(hub: Hub, request: SyncRequest): Promise<SyncRun> {
  const { db } = hub.store;
  const stream = await inboundStreamFor(hub, request.connectionId, request.stream);
  const { connection } = stream;
  if (connection.status === 'disabled') throw connectionPaused(connection.id, connection.statusMessage);
  const streamName = stream.spec.name;
  const lease = await acquireStreamLease(db, request.connectionId, streamName, hub.env.HUB_STREAM_LEASE_MS);
  const stop = firstAbortOf([request.signal, lease.lost]);
  let requestsTakenAt: number | undefined;
  try {
    requestsTakenAt = await takeRunRequests(db, request.connectionId, streamName);
    await abandonStaleRuns(db, request.connectionId, streamName);
    const cursorBefore = request.full ? undefined : await readCursor(db, request.connectionId, streamName);
    const id = await startRun(db, {
      connectionId: request.connectionId,
      stream: streamName,
      mode: request.full ? 'full' : 'incremental',
      cursorBefore,
      mappingVersion: stream.mapping.label,
    });
    const run: RunState = {
      id,
      lease,
      signal: stop.signal,
      counts: emptyCounts(),
      cursor: cursorBefore,
      stopped: false,
    };
    const tracker = createFieldTracker();
    const failure = await syncPagesUntilError(hub, request, stream, run, tracker);
    if (leaseLost(failure)) {
      // Only a run still 'running' is touched: the worker that took the stream over marked it abandoned.
      await finishRun(db, id, { ...outcomeOf(failure, run.counts), counts: run.counts });
      throw failure;
    }
    const ended = await recordOutcome(hub, { ...request, stream: streamName }, run, tracker, {
      cursorBefore,
      failure,
    });
    await noteRunCredentials(hub, connection, run, failure);
    return ended;
  } finally {
    stop.dispose();
    await lease.release();
    // After the release: a run asked for now must not find the stream still leased.
    if (requestsTakenAt !== undefined)
      await rerunIfRequestedSince(hub, request.connectionId, streamName, requestsTakenAt).catch(
        (error: unknown) => logger.warn('could not queue a requested run', { ...request, error }),
      );
  }
}
