import type { ChangeBatch } from '../queue/outbox-relay.ts';
import type { Hub } from '../runtime/hub.ts';
import { CHANGES_TOPIC } from '../store/repos/outbox.ts';

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

type BatchPayload = Pick<RecordChange, 'entity' | 'sourceSystem'> & {
  changes: Array<Omit<RecordChange, 'outboxId' | 'entity' | 'sourceSystem'>>;
};

/** The changes a batch's messages carry; `record.changed` messages (one change each) predate batches. */
export function changesOf(batch: ChangeBatch): RecordChange[] {
  return batch.messages.flatMap((message): RecordChange[] => {
    if (message.topic === 'record.changed')
      return [{ outboxId: message.id, ...(message.payload as Omit<RecordChange, 'outboxId'>) }];
    if (message.topic !== CHANGES_TOPIC) return [];
    const { entity, sourceSystem, changes } = message.payload as BatchPayload;
    return changes.map((change) => ({ outboxId: message.id, entity, sourceSystem, ...change }));
  });
}

export async function deliverChanges(hub: Hub, batch: ChangeBatch): Promise<void> {
  const changes = changesOf(batch);
  if (changes.length === 0) return;
  for (const subscriber of subscribers.values()) await subscriber(hub, changes);
}
