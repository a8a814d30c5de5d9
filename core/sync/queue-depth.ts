import { CHANGES_QUEUE } from '../queue/outbox-relay.ts';
import type { Hub } from '../runtime/hub.ts';
import { SYNC_RUNS_QUEUE } from './sync-jobs.ts';
import { WEBHOOKS_QUEUE } from './webhooks.ts';
import { writeQueueName } from './write-targets.ts';

/** Jobs per queue and state for every queue the hub uses, for the /metrics gauge and the UI. */
export async function queueDepth(hub: Hub): Promise<Array<{ queue: string; state: string; count: number }>> {
  const connections = await hub.store.connections.listCached();
  const queues = [
    CHANGES_QUEUE,
    SYNC_RUNS_QUEUE,
    WEBHOOKS_QUEUE,
    ...connections.map((connection) => writeQueueName(connection.id)),
  ];
  const rows: Array<{ queue: string; state: string; count: number }> = [];
  for (const queue of queues) {
    const counts = await hub.queue.counts(queue);
    for (const state of ['waiting', 'active', 'delayed', 'failed'] as const)
      rows.push({ queue, state, count: counts[state] });
  }
  return rows;
}
