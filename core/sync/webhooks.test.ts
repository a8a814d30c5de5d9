import { createHmac } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { queueDrivers, storeDrivers } from '../../tests/support/drivers.ts';
import { memoryConnector } from '../../tests/support/memory-system.ts';
import { eventually, hubDriverPairs } from '../../tests/support/test-hub.ts';
import { loadEnv } from '../config/env.ts';
import type { Connector, WebhookRequest } from '../connector/types.ts';
import type { QueuePort } from '../queue/port.ts';
import { type Hub, openHub } from '../runtime/hub.ts';
import { startWorkers } from '../runtime/worker.ts';
import type { Store } from '../store/index.ts';
import { acceptWebhook, requestDrainsOfWaitingEvents, WEBHOOKS_QUEUE } from './webhooks.ts';

// A webhook answered 202 is stored, and only its drain job processes it. That job can be lost
// where the event is not (an in-process queue dies with its process, Redis loses its keys), so a
// redelivery of an event still waiting asks for a drain again, and workers drain waiting events
// as they start and in their periodic sweep.

const SECRET = 'whsec-waiting';

function delivery(eventId: string): WebhookRequest {
  const body = {
    events: [{ id: eventId, stream: 'customers', record: { id: `R-${eventId}`, name: 'Waiting Ltd' } }],
  };
  const rawBody = Buffer.from(JSON.stringify(body));
  const signature = createHmac('sha256', SECRET).update(rawBody).digest('hex');
  return { headers: { 'x-signature': signature }, rawBody, body, url: '/webhooks/crm', method: 'POST' };
}

describe.each(hubDriverPairs(storeDrivers(), queueDrivers()))(
  'webhook events whose drain job was lost ($label)',
  ({ store, queue }) => {
    const cleanups: Array<() => Promise<void>> = [];
    afterEach(async () => {
      for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
      cleanups.length = 0;
    });

    const hubOn = async (opened: Store, queuePort: QueuePort) => {
      const hub = await openHub(loadEnv({}), {
        store: opened,
        queue: queuePort,
        connectors: [memoryConnector as Connector<unknown>],
        mappingsRoot: 'tests/support/mappings',
      });
      cleanups.push(() => hub.queue.close());
      return hub;
    };

    /** An event stored and answered 202 by a process whose queue was then lost, drain job and all. */
    async function eventWithLostDrain(eventId: string): Promise<{ store: Store; hub: Hub }> {
      const opened = await store.open();
      cleanups.push(() => opened.close());
      const before = await hubOn(opened, queue.open());
      await before.store.connections.save(
        {
          id: 'crm',
          kind: 'memory',
          name: 'CRM',
          config: { system: `waiting-${Date.now()}-${Math.random()}`, webhookSecret: SECRET },
        },
        memoryConnector.configSchema,
      );
      expect(await acceptWebhook(before, 'crm', delivery(eventId))).toEqual({ accepted: 1, duplicates: 0 });
      await before.queue.close();
      return { store: opened, hub: await hubOn(opened, queue.open()) };
    }

    const processed = async (hub: Hub, eventId: string) =>
      (
        await hub.store.db.query(
          'SELECT 1 FROM webhook_events WHERE event_id = $1 AND processed_at IS NOT NULL',
          [eventId],
        )
      ).rows.length > 0;
    const drainsQueued = async (hub: Hub) => {
      const counts = await hub.queue.counts(WEBHOOKS_QUEUE);
      return counts.waiting + counts.delayed;
    };

    it('asks for a drain again when the vendor redelivers an event still waiting', async () => {
      const { hub } = await eventWithLostDrain('evt-redelivered');
      expect(await acceptWebhook(hub, 'crm', delivery('evt-redelivered'))).toEqual({
        accepted: 0,
        duplicates: 1,
      });
      expect(await drainsQueued(hub), 'a drain queued for the redelivered event').toBe(1);
      const workers = await startWorkers(hub);
      cleanups.push(() => workers.stop());
      await eventually(() => processed(hub, 'evt-redelivered'), 10_000, 'the redelivered event drained');
    }, 60_000);

    it('drains events left waiting when the workers start', async () => {
      const { hub } = await eventWithLostDrain('evt-at-start');
      const workers = await startWorkers(hub);
      cleanups.push(() => workers.stop());
      await eventually(() => processed(hub, 'evt-at-start'), 10_000, 'the waiting event drained');
    }, 60_000);

    it('asks in the periodic sweep for drains of events that waited longer than it', async () => {
      const { hub } = await eventWithLostDrain('evt-swept');
      expect(await requestDrainsOfWaitingEvents(hub, 30_000), 'an event stored just now').toBe(0);
      expect(await drainsQueued(hub)).toBe(0);
      await hub.store.db.query(`UPDATE webhook_events SET received_at = received_at - interval '1 minute'`);
      expect(await requestDrainsOfWaitingEvents(hub, 30_000)).toBe(1);
      expect(await drainsQueued(hub)).toBe(1);
    }, 60_000);
  },
);
