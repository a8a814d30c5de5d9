import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { saveMappingOverride } from '../../core/sync/mapping-source.ts';
import { runSync } from '../../core/sync/run-sync.ts';
import { queueDrivers, storeDrivers } from '../support/drivers.ts';
import { memoryConnector, memorySystem } from '../support/memory-system.ts';
import { hubDriverPairs, startTestHub, type TestHub } from '../support/test-hub.ts';

let suffix = 0;

describe.each(hubDriverPairs(storeDrivers(), queueDrivers()))(
  'run counts of parked records on $label',
  ({ store, queue }) => {
    let test: TestHub;
    let systemName: string;
    beforeEach(async () => {
      test = await startTestHub({ store: await store.open(), queue: queue.open(), workers: false });
      systemName = `crm-counts-${++suffix}-${Date.now()}`;
      await test.hub.store.connections.save(
        { id: 'crm', kind: 'memory', name: 'CRM', config: { system: systemName, pageSize: 1 } },
        memoryConnector.configSchema,
      );
    });
    afterEach(async () => {
      await test.stop();
    });

    it('counts a record parked and written in the same run once, and not as pending', async () => {
      await saveMappingOverride(
        test.hub.store.db,
        { id: 'crm', kind: 'memory' },
        'customers',
        'in',
        'fields:\n  owner: { from: parentId, ref: customer }\n',
        'test',
        'tests/support/mappings',
      );
      const crm = memorySystem(systemName);
      crm.put('customers', { id: 'CHILD', name: 'Child Branch GmbH', parentId: 'PARENT' });
      crm.put('customers', { id: 'PARENT', name: 'Parent Holding AG' });
      const progress: number[] = [];
      const run = await runSync(test.hub, {
        connectionId: 'crm',
        stream: 'customers',
        onProgress: (counts) => progress.push(counts.pending),
      });
      expect(run.counts).toMatchObject({ read: 2, created: 2, pending: 0, released: 0, failed: 0 });
      expect(progress).toEqual([1, 0]);
    });

    it('counts a record parked by an earlier run as released, not as read', async () => {
      const crm = memorySystem(systemName);
      crm.put('contacts', { id: 'P1', lastName: 'Chen', accountId: 'ACC-9' });
      const contacts = await runSync(test.hub, { connectionId: 'crm', stream: 'contacts' });
      expect(contacts.counts).toMatchObject({ read: 1, pending: 1, released: 0 });

      crm.put('customers', { id: 'ACC-9', name: 'Ningbo Hengda Auto Parts' });
      const customers = await runSync(test.hub, { connectionId: 'crm', stream: 'customers' });
      expect(customers.counts).toMatchObject({ read: 1, released: 1, created: 2, pending: 0 });
    });
  },
);
