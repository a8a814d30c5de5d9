import { z } from 'zod';
import { findStream } from '../connector/define.ts';
import type { ChangeEvent, Connector, WebhookRequest } from '../connector/types.ts';
import { HubError, isHubError } from '../errors/index.ts';
import { logger } from '../log/logger.ts';
import type { Hub } from '../runtime/hub.ts';
import type { Queryable } from '../store/db.ts';
import type { Connection } from '../store/repos/connections.ts';
import { contextFor } from './connector-context.ts';
import { escapeUnstorable, recordFailure, unstorableStringPath } from './failures.ts';
import {
  addCounts,
  type InboundStream,
  type PageOutcome,
  processInboundPage,
  releaseParked,
} from './inbound.ts';
import { requestRun } from './run-requests.ts';
import { inboundStreamFor, inboundStreamOf } from './run-sync.ts';
import { emptyCounts, type RunCounts } from './runs.ts';

export const WEBHOOKS_QUEUE = 'webhooks';

export const webhookJobSchema = z.object({
  connectionId: z.string().min(1),
  /** The end (epoch ms) of the window whose events this job drains. */
  windowEnd: z.number().optional(),
});
export type WebhookJob = z.infer<typeof webhookJobSchema>;

/** Events of one connection arriving within this window share one drain job. */
const DRAIN_WINDOW_MS = 20;
/** Slack for clocks of the intake and worker hosts that disagree by a few milliseconds. */
const CLOCK_MARGIN_MS = 5;

/**
 * One drain job per connection and window instead of one per event: the job is named after its
 * window, so the events of a window after the first only find it there. A resumed connection asks
 * for one to take up the events stored while it was paused.
 */
export async function requestDrain(hub: Hub, connectionId: string): Promise<void> {
  const windowEnd = (Math.floor(Date.now() / DRAIN_WINDOW_MS) + 1) * DRAIN_WINDOW_MS;
  // This process already queued the window's job: asking the queue again would only be refused.
  const requested = drainsRequested.get(hub);
  if (requested?.get(connectionId) === windowEnd) return;
  await hub.queue.add(WEBHOOKS_QUEUE, 'drain', { connectionId, windowEnd } satisfies WebhookJob, {
    jobId: `drain-${connectionId}-${windowEnd}`,
  });
  if (requested) requested.set(connectionId, windowEnd);
  else drainsRequested.set(hub, new Map([[connectionId, windowEnd]]));
}

const drainsRequested = new WeakMap<Hub, Map<string, number>>();

/**
 * Drains at once, and again until a drain started after the window closed: an event whose drain
 * request was dropped as a duplicate of this job was stored before its request, within the window,
 * so that last drain finds it even if the earlier ones ran too early.
 */
export async function drainWindow(hub: Hub, job: WebhookJob): Promise<void> {
  const closed = (job.windowEnd ?? 0) + CLOCK_MARGIN_MS;
  for (;;) {
    const startedAt = Date.now();
    await drainWebhookEvents(hub, job.connectionId);
    if (startedAt >= closed) return;
    const wait = closed - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  }
}

export interface WebhookIntake {
  accepted: number;
  duplicates: number;
  /** Events filed as failed syncs instead of stored; present only when there were any. */
  failed?: number;
}

/**
 * Verifies (through the connector), deduplicates by event id and stores the events; a drain job
 * takes them in batches. The HTTP answer never waits for the sync itself.
 */
export async function acceptWebhook(
  hub: Hub,
  connectionId: string,
  request: WebhookRequest,
): Promise<WebhookIntake> {
  const connection = await hub.store.connections.getCached(connectionId);
  const connector = hub.connectors.find(connection.kind);
  if (!connector.webhook)
    throw new HubError(
      'not_found',
      'webhooks_not_supported',
      `${connector.kind} connections do not take webhooks`,
    );
  const events = await connector.webhook(contextFor(hub.store, connector, connection), request);
  if (events.length === 0) return { accepted: 0, duplicates: 0 };
  refuseUnknownStreams(connector, connection.config, events);
  const storable = await fileUnstorableEvents(hub.store.db, connectionId, events);
  const failed = events.length - storable.length;
  const filed = failed > 0 ? { failed } : {};
  if (storable.length === 0) return { accepted: 0, duplicates: 0, ...filed };
  // Events keep their order within the delivery: a microsecond apart, as the drain reads by received_at.
  const { rows } = await hub.store.db.query<{ event_id: string }>(
    `INSERT INTO webhook_events (connection_id, event_id, event, received_at)
     SELECT $1, e->>'eventId', e, now() + (n - 1) * interval '1 microsecond'
     FROM jsonb_array_elements($2::jsonb) WITH ORDINALITY AS t(e, n)
     ON CONFLICT DO NOTHING RETURNING event_id`,
    [connectionId, JSON.stringify(storable)],
  );
  const duplicates = storable.length - rows.length;
  // A redelivered event still waiting may have lost its drain job: it asks for one again.
  const waiting =
    rows.length > 0 || (duplicates > 0 && (await anyWaiting(hub.store.db, connectionId, storable)));
  if (waiting && !(await pausedNow(hub, connection))) await requestDrain(hub, connectionId);
  return { accepted: rows.length, duplicates, ...filed };
}

/**
 * A paused connection's events are stored and wait, unprocessed, for its resume. The cached
 * connection that says so may be a second old: a pause is confirmed by a fresh read, so events of
 * a connection resumed meanwhile are not held back.
 */
async function pausedNow(hub: Hub, connection: Connection): Promise<boolean> {
  if (connection.status !== 'disabled') return false;
  return (await hub.store.connections.statusOf(connection.id))?.status === 'disabled';
}

async function anyWaiting(db: Queryable, connectionId: string, events: ChangeEvent[]): Promise<boolean> {
  const { rows } = await db.query(
    `SELECT 1 FROM webhook_events WHERE connection_id = $1 AND event_id = ANY($2::text[])
       AND processed_at IS NULL AND event IS NOT NULL LIMIT 1`,
    [connectionId, events.map((event) => event.eventId)],
  );
  return rows.length > 0;
}

/**
 * Asks for a drain of every connection with events stored at least `waitedMs` ago and still
 * waiting. A stored event is processed only by a drain job, and the job can be lost where the
 * event is not: an in-process queue dies with its process, Redis may lose its keys, a process may
 * crash between storing the event and queuing the job. Workers sweep for such events as they start
 * and then periodically. Paused connections are left out: their events wait for the resume.
 * Returns the number of connections whose events were waiting.
 */
export async function requestDrainsOfWaitingEvents(hub: Hub, waitedMs = 0): Promise<number> {
  const { rows } = await hub.store.db.query<{ connection_id: string }>(
    `SELECT DISTINCT e.connection_id FROM webhook_events e JOIN connections c ON c.id = e.connection_id
     WHERE e.processed_at IS NULL AND e.event IS NOT NULL AND c.status <> 'disabled'
       AND e.received_at <= now() - $1 * interval '1 millisecond'`,
    [waitedMs],
  );
  for (const row of rows) await requestDrain(hub, row.connection_id);
  return rows.length;
}

/**
 * An event holding a NUL or a lone surrogate cannot be stored as jsonb: it becomes a failed sync
 * naming the field, instead of failing the whole delivery. Returns the events that can be stored.
 */
async function fileUnstorableEvents(
  db: Queryable,
  connectionId: string,
  events: ChangeEvent[],
): Promise<ChangeEvent[]> {
  const storable: ChangeEvent[] = [];
  for (const event of events) {
    const path = unstorableStringPath(event);
    if (path === undefined) {
      storable.push(event);
      continue;
    }
    const message = `event ${escapeUnstorable(String(event.eventId))} of ${escapeUnstorable(String(event.externalId))}: ${path}: holds a NUL or an unpaired surrogate character`;
    await recordFailure(db, {
      connectionId,
      stream: event.stream,
      direction: 'in',
      externalId: event.externalId,
      rawPayload: event,
      error: new HubError('invalid_data', 'unstorable_string', message, { fieldPath: path }),
    });
  }
  return storable;
}

/** An event for a stream the connection does not have is refused with the request, naming it. */
function refuseUnknownStreams(connector: Connector<unknown>, config: unknown, events: ChangeEvent[]): void {
  const checked = new Set<string>();
  events.forEach((event, index) => {
    if (checked.has(event.stream)) return;
    checked.add(event.stream);
    try {
      findStream(connector, event.stream, config);
    } catch (error) {
      if (!isHubError(error)) throw error;
      throw new HubError('invalid_data', error.code, `event ${event.eventId}: ${error.message}`, {
        fieldPath: `events[${index}].stream`,
      });
    }
  });
}

/**
 * The connection's oldest waiting events, locked until the caller's transaction ends. A drain on
 * another worker that wants the same events waits for this one and then finds them processed
 * (FOR UPDATE re-reads a row changed meanwhile), so an event is processed once and in order.
 */
async function claimWaitingEvents(
  tx: Queryable,
  connectionId: string,
  limit: number,
): Promise<ChangeEvent[]> {
  const { rows } = await tx.query<{ event: ChangeEvent }>(
    `SELECT event FROM webhook_events WHERE connection_id = $1 AND processed_at IS NULL AND event IS NOT NULL
     ORDER BY received_at, event_id LIMIT $2 FOR UPDATE`,
    [connectionId, limit],
  );
  return rows.map((row) => row.event);
}

const markProcessed = (tx: Queryable, connectionId: string, events: ChangeEvent[]) =>
  tx.query(
    'UPDATE webhook_events SET processed_at = now() WHERE connection_id = $1 AND event_id = ANY($2::text[])',
    [connectionId, events.map((event) => event.eventId)],
  );

/**
 * Drains the connection's waiting events: those that carry their record go straight into master
 * data, a batch in one transaction that also marks its events processed; events without a record
 * trigger an incremental run of their stream. A paused connection's events keep waiting.
 */
export async function drainWebhookEvents(
  hub: Hub,
  connectionId: string,
  batchSize = 500,
): Promise<RunCounts> {
  const counts = emptyCounts();
  const connection = await connectionOrGone(hub, connectionId);
  if (!connection || (await pausedNow(hub, connection))) return counts;
  for (;;) {
    // Streams written by this batch: once it committed, their parked records and runs follow.
    const written: Array<{ stream: InboundStream; events: ChangeEvent[]; externalIds: string[] }> = [];
    const drained = await hub.store.db.transaction(async (tx) => {
      const events = await claimWaitingEvents(tx, connectionId, batchSize);
      const byStream = new Map<string, ChangeEvent[]>();
      for (const event of events) byStream.set(event.stream, [...(byStream.get(event.stream) ?? []), event]);
      for (const [streamName, streamEvents] of byStream) {
        const stream = await streamOrGone(hub, connection, streamName, tx);
        if (stream instanceof HubError) {
          addCounts(counts, await fileUnprocessable(tx, connectionId, streamName, streamEvents, stream));
          continue;
        }
        const outcome = await writeStreamEvents(tx, stream, streamEvents);
        addCounts(counts, outcome.counts);
        written.push({ stream, events: streamEvents, externalIds: outcome.written });
      }
      return events.length;
    });
    for (const { stream, events, externalIds } of written)
      addCounts(counts, await afterStreamEvents(hub, stream, events, externalIds));
    if (drained < batchSize) return counts;
  }
}

/** A drain queued before its connection was removed has nothing left to write to: it ends quietly. */
async function connectionOrGone(hub: Hub, connectionId: string): Promise<Connection | undefined> {
  try {
    return await hub.store.connections.getCached(connectionId);
  } catch (error) {
    if (!isHubError(error) || error.code !== 'connection_not_found') throw error;
    logger.info('webhook drain skipped: the connection was removed', { connectionId });
    return undefined;
  }
}

/** The stream a drained batch belongs to, or the error saying the connection no longer has it. */
async function streamOrGone(
  hub: Hub,
  connection: Connection,
  streamName: string,
  tx: Queryable,
): Promise<InboundStream | HubError> {
  try {
    return await inboundStreamOf(hub, connection, streamName, tx);
  } catch (error) {
    if (isHubError(error) && error.code === 'unknown_stream') return error;
    throw error;
  }
}

/**
 * Events of a stream the connection no longer has (its configuration changed after intake) can
 * never be processed: they become failed syncs and are marked processed, or they would stop every
 * later drain of the connection.
 */
async function fileUnprocessable(
  tx: Queryable,
  connectionId: string,
  streamName: string,
  events: ChangeEvent[],
  error: HubError,
): Promise<RunCounts> {
  for (const event of events)
    await recordFailure(tx, {
      connectionId,
      stream: streamName,
      direction: 'in',
      externalId: event.externalId,
      rawPayload: event,
      error,
    });
  await markProcessed(tx, connectionId, events);
  return { ...emptyCounts(), read: events.length, failed: events.length };
}

/**
 * The ids of delete events that no later event of the batch carrying the record undoes: a page
 * writes its records before its deletes, so a record deleted and then restored (or created again
 * under its id) would otherwise end deleted.
 */
function deletesStillStanding(events: ChangeEvent[]): string[] {
  const restoredLater = new Set<string>();
  const deleted: string[] = [];
  for (const event of [...events].reverse()) {
    if (event.action === 'upsert' && event.record !== undefined) restoredLater.add(event.externalId);
    else if (event.action === 'delete' && !restoredLater.has(event.externalId))
      deleted.push(event.externalId);
  }
  return deleted.reverse();
}

/** Writes a stream's events in the drain's transaction and marks them processed there. */
async function writeStreamEvents(
  tx: Queryable,
  stream: InboundStream,
  events: ChangeEvent[],
): Promise<PageOutcome> {
  const records = events
    .filter((event) => event.action === 'upsert' && event.record !== undefined)
    .map((event) => event.record);
  const deleted = deletesStillStanding(events);
  const outcome = await processInboundPage(stream, { records, deleted }, { within: tx });
  await markProcessed(tx, stream.connection.id, events);
  return outcome;
}

/** Once committed: parked records waiting for these are retried; record-less events start a run. */
async function afterStreamEvents(
  hub: Hub,
  stream: InboundStream,
  events: ChangeEvent[],
  written: string[],
): Promise<RunCounts> {
  const connectionId = stream.connection.id;
  const streamName = stream.spec.name;
  const streamOf = (name: string) => inboundStreamFor(hub, connectionId, name, { cached: true });
  const counts = await releaseParked(hub.store.db, streamOf, connectionId, stream.spec.entity, written);
  if (events.some((event) => event.action === 'upsert' && event.record === undefined))
    await requestRun(hub, connectionId, streamName);
  return counts;
}
