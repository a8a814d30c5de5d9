import { z } from 'zod';
import { streamsOf } from '../connector/define.ts';
import type { StreamSpec } from '../connector/types.ts';
import type { Hub } from '../runtime/hub.ts';
import { contentHash } from '../store/hash.ts';
import type { Connection } from '../store/repos/connections.ts';
import type { RecordChange } from './change-subscribers.ts';

export const writeQueueName = (connectionId: string) => `write.${connectionId}`;

export const writeItemSchema = z.object({
  canonicalId: z.string().min(1),
  version: z.number().int().nonnegative(),
});
export type WriteItem = z.infer<typeof writeItemSchema>;

/** A write job as queued; the consumer checks it, so a malformed one fails naming its field. */
export const writeJobSchema = z.object({
  connectionId: z.string().min(1),
  stream: z.string().min(1),
  items: z.array(writeItemSchema),
  /** Set by replays and flows: write even if this version was written before. */
  force: z.boolean().optional(),
  /** How often this batch was put off (creates another job was sending, references not there yet). */
  deferrals: z.number().int().nonnegative().optional(),
  /** When the batch's records first waited for references the target did not know (ms since epoch). */
  pendingSince: z.number().optional(),
  /** How long they have waited, counting a gap between two tries (a pause) as one short one. */
  pendingWaitedMs: z.number().nonnegative().optional(),
  /** When they were last tried (ms since epoch). */
  pendingTriedAt: z.number().optional(),
});
export type WriteJob = z.infer<typeof writeJobSchema>;

/** Streams a connection pushes canonical changes to: `options.push` lists them by name. */
export function pushStreams(
  hub: Hub,
  connection: Pick<Connection, 'kind' | 'options' | 'config'>,
): StreamSpec[] {
  const names = Array.isArray(connection.options.push) ? (connection.options.push as string[]) : [];
  if (names.length === 0) return [];
  const connector = hub.connectors.find(connection.kind);
  return streamsOf(connector, connection.config).filter(
    (stream) => stream.write && names.includes(stream.name),
  );
}

/** Enqueues write jobs in the target's batch size; the job id makes a re-delivered batch a no-op. */
export async function enqueueWrites(
  hub: Hub,
  job: WriteJob,
  spec: Pick<StreamSpec, 'writeBatchSize'>,
  idSeed: string,
): Promise<void> {
  const size = spec.writeBatchSize ?? 100;
  const jobs = [];
  for (let start = 0; start < job.items.length; start += size) {
    const items = job.items.slice(start, start + size);
    const jobId = `w-${contentHash([job.connectionId, job.stream, idSeed, items])}`;
    jobs.push({ name: 'write', data: { ...job, items }, options: { jobId } });
  }
  await hub.queue.addBulk(writeQueueName(job.connectionId), jobs);
}

/**
 * Every canonical change goes to each connection that pushes its entity, except the one it came
 * from. A paused connection gets its changes too: they wait in its write queue, whose consumer is
 * stopped while the pause lasts, and are written once it is resumed.
 */
export async function routeChangesToTargets(hub: Hub, changes: RecordChange[]): Promise<void> {
  for (const connection of await hub.store.connections.listCached()) {
    for (const spec of pushStreams(hub, connection)) {
      const items = changes
        .filter((change) => change.entity === spec.entity && change.sourceSystem !== connection.id)
        .map((change) => ({ canonicalId: change.canonicalId, version: change.version }));
      if (items.length === 0) continue;
      const seed = `${changes[0]!.outboxId}-${changes[changes.length - 1]!.outboxId}`;
      await enqueueWrites(hub, { connectionId: connection.id, stream: spec.name, items }, spec, seed);
    }
  }
}
