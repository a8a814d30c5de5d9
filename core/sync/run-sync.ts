import { findStream } from '../connector/define.ts';
import type { Cursor } from '../connector/types.ts';
import { isHubError, toHubError } from '../errors/index.ts';
import { logger } from '../log/logger.ts';
import { syncRecords, syncRuns } from '../log/metrics.ts';
import type { MatchCarry } from '../mdm/service/matcher.ts';
import type { Hub } from '../runtime/hub.ts';
import type { Queryable } from '../store/db.ts';
import type { Connection } from '../store/repos/connections.ts';
import { readCursor } from '../store/repos/sync-state.ts';
import { contextFor } from './connector-context.ts';
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
import { createFieldTracker, detectSchemaDrift } from './schema-drift.ts';
import { acquireStreamLease } from './stream-lock.ts';

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

export function outcomeOf(
  error: unknown,
  counts: RunCounts,
): { status: RunStatus; reason?: string; error?: string } {
  if (error) {
    const hubError = toHubError(error);
    if (hubError.kind === 'rate_limited') {
      const quota = QUOTA_CODES.has(hubError.code);
      return {
        status: 'partial',
        reason: `partially synced: ${quota ? 'quota' : 'rate limited'}`,
        error: hubError.message,
      };
    }
    return { status: 'failed', reason: hubError.code, error: hubError.message };
  }
  if (counts.failed > 0)
    return { status: 'partial', reason: `partially synced: ${counts.failed} records failed` };
  return { status: 'succeeded' };
}

/**
 * Reads pages from the stored cursor on; each page is mapped, validated and written with its
 * cursor in one transaction, so a crash resumes at the last committed page with no gap and no
 * duplicate. A quota or rate limit ends the run early and cleanly, keeping the cursor.
 */
export async function runSync(hub: Hub, request: SyncRequest): Promise<SyncRun> {
  const { db } = hub.store;
  const stream = await inboundStreamFor(hub, request.connectionId, request.stream);
  const lease = await acquireStreamLease(
    db,
    request.connectionId,
    stream.spec.name,
    hub.env.HUB_STREAM_LEASE_MS,
  );
  const counts = emptyCounts();
  let runId: string | undefined;
  let requestsTakenAt: number | undefined;
  try {
    requestsTakenAt = await takeRunRequests(db, request.connectionId, stream.spec.name);
    await abandonStaleRuns(db, request.connectionId, stream.spec.name);
    const cursorBefore = request.full
      ? undefined
      : await readCursor(db, request.connectionId, stream.spec.name);
    runId = await startRun(db, {
      connectionId: request.connectionId,
      stream: stream.spec.name,
      mode: request.full ? 'full' : 'incremental',
      cursorBefore,
      mappingVersion: stream.mapping.label,
    });
    const tracker = createFieldTracker();
    const ctx = contextFor(hub.store, stream.connector, stream.connection, request.signal);
    const streamOf = (name: string) =>
      name === stream.spec.name ? Promise.resolve(stream) : inboundStreamFor(hub, request.connectionId, name);
    let failure: unknown;
    let cursor: Cursor | undefined = cursorBefore;
    try {
      const pages = pagesOf(
        stream,
        stream.connector.read(ctx, stream.spec.name, cursorBefore),
        tracker,
        db.driver === 'postgres',
      );
      let previousWritten: string[] = [];
      try {
        let current = await pages.next();
        while (current) {
          const ready = current;
          const id = runId;
          const committing = commitPage(stream, ready, {
            onCommitted: (tx, pageCounts) =>
              saveRunProgress(tx, id, addCounts({ ...counts }, pageCounts), ready.page.cursor),
          });
          // The next page is read, mapped and matched while this one is written.
          const upcoming = pages.ahead ? pages.next(ready.matched?.carry) : undefined;
          upcoming?.catch(() => undefined);
          const outcome = await committing;
          addCounts(counts, outcome.counts);
          cursor = ready.page.cursor;
          // The page prepared ahead could not see this one's records: its parked records are retried too.
          addCounts(
            counts,
            await releaseParked(db, streamOf, request.connectionId, stream.spec.entity, [
              ...previousWritten,
              ...outcome.written,
            ]),
          );
          previousWritten = pages.ahead ? outcome.written : [];
          request.onProgress?.({ ...counts });
          if (request.signal?.aborted) break;
          current = await (upcoming ?? pages.next());
        }
      } finally {
        await pages.close().catch(() => undefined);
      }
    } catch (error) {
      failure = error;
      if (!isHubError(error) || error.kind === 'system')
        logger.error('sync run failed', {
          connectionId: request.connectionId,
          stream: request.stream,
          error,
        });
    }
    const schemaDrift = await detectSchemaDrift(db, request.connectionId, stream.spec.name, tracker);
    await saveRunProgress(db, runId, counts, cursor);
    const outcome = outcomeOf(failure, counts);
    await finishRun(db, runId, { ...outcome, counts, schemaDrift });
    syncRuns.inc({ connection: request.connectionId, stream: stream.spec.name, status: outcome.status });
    for (const outcome of ['created', 'updated', 'unchanged', 'failed'] as const) {
      if (counts[outcome])
        syncRecords.inc(
          { connection: request.connectionId, stream: stream.spec.name, outcome },
          counts[outcome],
        );
    }
    return (await getRun(db, runId))!;
  } finally {
    await lease.release();
    // After the release: a run asked for now must not find the stream still leased.
    if (requestsTakenAt !== undefined)
      await rerunIfRequestedSince(hub, request.connectionId, stream.spec.name, requestsTakenAt).catch(
        (error: unknown) => logger.warn('could not queue a requested run', { ...request, error }),
      );
  }
}
