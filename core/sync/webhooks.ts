import type { ChangeEvent, WebhookRequest } from '../connector/types.ts';
import { HubError } from '../errors/index.ts';
import type { Hub } from '../runtime/hub.ts';
import { contentHash } from '../store/hash.ts';
import { contextFor } from './connector-context.ts';
import { addCounts, processInboundPage, releaseParked } from './inbound.ts';
import { emptyCounts, type RunCounts } from './runs.ts';
import { inboundStreamFor } from './run-sync.ts';
import { SYNC_RUNS_QUEUE } from './sync-jobs.ts';

export const WEBHOOKS_QUEUE = 'webhooks';

export interface WebhookJob {
  connectionId: string;
  events: ChangeEvent[];
}

/**
 * Verifies (through the connector), deduplicates by event id and queues the events; the HTTP
 * answer never waits for the sync itself.
 */
export async function acceptWebhook(hub: Hub, connectionId: string, request: WebhookRequest): Promise<{ accepted: number; duplicates: number }> {
  const connection = await hub.store.connections.get(connectionId);
  const connector = hub.connectors.find(connection.kind);
  if (!connector.webhook) throw new HubError('not_found', 'webhooks_not_supported', `${connector.kind} connections do not take webhooks`);
  const events = await connector.webhook(contextFor(hub.store, connector, connection), request);
  if (events.length === 0) return { accepted: 0, duplicates: 0 };
  const { rows } = await hub.store.db.query<{ event_id: string }>(
    `INSERT INTO webhook_events (connection_id, event_id) SELECT $1, unnest($2::text[]) ON CONFLICT DO NOTHING RETURNING event_id`,
    [connectionId, events.map((event) => event.eventId)],
  );
  const fresh = new Set(rows.map((row) => row.event_id));
  const accepted = events.filter((event) => fresh.has(event.eventId));
  if (accepted.length > 0) {
    const job: WebhookJob = { connectionId, events: accepted };
    await hub.queue.add(WEBHOOKS_QUEUE, 'webhook', job, { jobId: `wh-${contentHash([connectionId, accepted.map((e) => e.eventId)])}` });
  }
  return { accepted: accepted.length, duplicates: events.length - accepted.length };
}

/** Events that carry their record go straight into master data; the others trigger an incremental run. */
export async function processWebhookJob(hub: Hub, job: WebhookJob): Promise<RunCounts> {
  const counts = emptyCounts();
  const byStream = new Map<string, ChangeEvent[]>();
  for (const event of job.events) byStream.set(event.stream, [...(byStream.get(event.stream) ?? []), event]);
  for (const [streamName, events] of byStream) {
    const stream = await inboundStreamFor(hub, job.connectionId, streamName);
    const records = events.filter((event) => event.action === 'upsert' && event.record !== undefined).map((event) => event.record);
    const deleted = events.filter((event) => event.action === 'delete').map((event) => event.externalId);
    if (records.length + deleted.length > 0) {
      const outcome = await processInboundPage(stream, { records, deleted });
      addCounts(counts, outcome.counts);
      const streamOf = (name: string) => inboundStreamFor(hub, job.connectionId, name);
      addCounts(counts, await releaseParked(hub.store.db, streamOf, job.connectionId, stream.spec.entity, outcome.written));
    }
    if (events.some((event) => event.action === 'upsert' && event.record === undefined)) {
      await hub.queue.add(SYNC_RUNS_QUEUE, 'sync', { connectionId: job.connectionId, stream: streamName }, { jobId: `run-${job.connectionId}-${streamName}-${Math.floor(Date.now() / 5000)}` });
    }
  }
  return counts;
}
