import type { ChangeBatch } from '../queue/outbox-relay.ts';
import type { Hub } from '../runtime/hub.ts';

export interface RecordChange {
  outboxId: number;
  entity: string;
  canonicalId: string;
  version: number;
  operation: 'create' | 'update' | 'delete' | 'merge' | 'unmerge';
  changedFields: string[];
  sourceSystem: string;
}

export type ChangeSubscriber = (hub: Hub, changes: RecordChange[]) => Promise<void>;

const subscribers = new Map<string, ChangeSubscriber>();

/** Outbound sync and flows each subscribe to canonical changes by name; one batch job feeds them all. */
export function subscribeToChanges(name: string, subscriber: ChangeSubscriber): void {
  subscribers.set(name, subscriber);
}

export function changesOf(batch: ChangeBatch): RecordChange[] {
  return batch.messages
    .filter((message) => message.topic === 'record.changed')
    .map((message) => ({ outboxId: message.id, ...(message.payload as Omit<RecordChange, 'outboxId'>) }));
}

export async function deliverChanges(hub: Hub, batch: ChangeBatch): Promise<void> {
  const changes = changesOf(batch);
  if (changes.length === 0) return;
  for (const subscriber of subscribers.values()) await subscriber(hub, changes);
}
