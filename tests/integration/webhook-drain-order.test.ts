import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ChangeEvent } from '../../core/connector/types.ts';
import { runSync } from '../../core/sync/run-sync.ts';
import { drainWebhookEvents } from '../../core/sync/webhooks.ts';
import { queueDrivers, storeDrivers } from '../support/drivers.ts';
import { memoryConnector, memorySystem } from '../support/memory-system.ts';
import { hubDriverPairs, startTestHub, type TestHub } from '../support/test-hub.ts';

let suffix = 0;

describe.each(hubDriverPairs(storeDrivers(), queueDrivers()))(
  'webhook events of one record drained together on $label',
  ({ store, queue }) => {
    let test: TestHub;
    let systemName: string;
    beforeEach(async () => {
      test = await startTestHub({ store: await store.open(), queue: queue.open(), workers: false });
      systemName = `crm-order-${++suffix}-${Date.now()}`;
      await test.hub.store.connections.save(
        { id: 'crm', kind: 'memory', name: 'CRM', config: { system: systemName } },
        memoryConnector.configSchema,
      );
    });
    afterEach(async () => {
      await test.stop();
    });

    /** Stored as intake stores them, in this order, a microsecond apart. */
    const storeEvents = (events: ChangeEvent[]) =>
      test.hub.store.db.query(
        `INSERT INTO webhook_events (connection_id, event_id, event, received_at)
         SELECT 'crm', e->>'eventId', e, now() + (n - 1) * interval '1 microsecond'
         FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS t(e, n)`,
        [JSON.stringify(events)],
      );
    const sourceRecord = async (externalId: string) =>
      (
        await test.hub.store.db.query<{ deleted: boolean; name: string }>(
          `SELECT deleted, raw->>'name' AS name FROM source_records WHERE external_id = $1`,
          [externalId],
        )
      ).rows[0];

    it('keeps a record deleted and then restored in the same drain', async () => {
      memorySystem(systemName).put('customers', { id: 'B1', name: 'Back Again GmbH' });
      await runSync(test.hub, { connectionId: 'crm', stream: 'customers' });
      await storeEvents([
        { eventId: 'del-1', stream: 'customers', externalId: 'B1', action: 'delete' },
        {
          eventId: 'up-2',
          stream: 'customers',
          externalId: 'B1',
          action: 'upsert',
          record: { id: 'B1', name: 'Back Again GmbH & Co. KG' },
        },
      ]);
      await drainWebhookEvents(test.hub, 'crm');
      expect(await sourceRecord('B1')).toEqual({ deleted: false, name: 'Back Again GmbH & Co. KG' });
    });

    it('deletes a record changed and then deleted in the same drain', async () => {
      memorySystem(systemName).put('customers', { id: 'G1', name: 'Gone Soon AG' });
      await runSync(test.hub, { connectionId: 'crm', stream: 'customers' });
      await storeEvents([
        {
          eventId: 'up-1',
          stream: 'customers',
          externalId: 'G1',
          action: 'upsert',
          record: { id: 'G1', name: 'Gone Soon AG (closing)' },
        },
        { eventId: 'del-2', stream: 'customers', externalId: 'G1', action: 'delete' },
      ]);
      await drainWebhookEvents(test.hub, 'crm');
      expect(await sourceRecord('G1')).toMatchObject({ deleted: true });
    });
  },
);
