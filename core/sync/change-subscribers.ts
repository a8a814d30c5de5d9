import { z } from 'zod';
import { parseOrThrow } from '../errors/index.ts';
import type { ChangeBatch } from '../queue/outbox-relay.ts';
import type { Hub } from '../runtime/hub.ts';
import { CHANGES_TOPIC } from '../store/repos/outbox.ts';

/** One change as the outbox carries it: ids and fields only, never the body (read when written). */
const changeSchema = z.object({
  canonicalId: z.string().min(1),
  version: z.number().int(),
  operation: z.enum(['create', 'update', 'delete', 'merge', 'unmerge']),
  changedFields: z.array(z.string()),
});
const sourceSchema = z.object({ entity: z.string().min(1), sourceSystem: z.string() });
/** A `records.changed` message: the changes one page (or one write) made to one entity. */
const batchPayloadSchema = sourceSchema.extend({ changes: z.array(changeSchema) });
/** A `record.changed` message, one change each: written before changes were batched. */
const singlePayloadSchema = sourceSchema.extend(changeSchema.shape);

/**
 * A job of the changes queue, as the relay publishes it. Messages of other topics pass unread:
 * their payloads are checked by whoever reads them.
 */
export const changeBatchSchema = z.object({
  messages: z.array(
    z.object({
      id: z.number().int(),
      topic: z.string(),
      key: z.string(),
      payload: z.record(z.string(), z.unknown()),
    }),
  ),
});

export type RecordChange = z.infer<typeof changeSchema> &
  z.infer<typeof sourceSchema> & {
    outboxId: number;
  };

export type ChangeSubscriber = (hub: Hub, changes: RecordChange[]) => Promise<void>;

const subscribers = new Map<string, ChangeSubscriber>();

/** Outbound sync and flows each subscribe to canonical changes by name; one batch job feeds them all. */
export function subscribeToChanges(name: string, subscriber: ChangeSubscriber): void {
  subscribers.set(name, subscriber);
}

/**
 * The changes a batch's messages carry, each message checked: a malformed one fails the batch
 * naming the outbox message and the field.
 */
export function changesOf(batch: ChangeBatch): RecordChange[] {
  return batch.messages.flatMap((message): RecordChange[] => {
    const what = { what: 'outbox message', recordId: String(message.id) };
    if (message.topic === 'record.changed')
      return [{ outboxId: message.id, ...parseOrThrow(singlePayloadSchema, message.payload, what) }];
    if (message.topic !== CHANGES_TOPIC) return [];
    const { entity, sourceSystem, changes } = parseOrThrow(batchPayloadSchema, message.payload, what);
    return changes.map((change) => ({ outboxId: message.id, entity, sourceSystem, ...change }));
  });
}

export async function deliverChanges(hub: Hub, batch: ChangeBatch): Promise<void> {
  const changes = changesOf(batch);
  if (changes.length === 0) return;
  for (const subscriber of subscribers.values()) await subscriber(hub, changes);
}
