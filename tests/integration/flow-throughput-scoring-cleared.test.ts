import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { saveMappingOverride } from '../../core/sync/mapping-source.ts';
import { queueDrivers, storeDrivers } from '../support/drivers.ts';
import type { MemorySystem } from '../support/memory-system.ts';
import { hubDriverPairs, startTestHub, type TestHub } from '../support/test-hub.ts';
import { canonicalIdOf, copyTo, runFlow, setUpPlant, syncAll } from './flow-fixture.ts';

describe.each(hubDriverPairs(storeDrivers(), queueDrivers()))(
  'throughput scoring of a deal whose lines were removed, on $label',
  ({ store, queue }) => {
    let test: TestHub;
    let crm: MemorySystem;
    beforeEach(async () => {
      test = await startTestHub({ store: await store.open(), queue: queue.open(), workers: false });
      ({ crm } = await setUpPlant(test.hub));
      await copyTo(test.hub, 'crm', 'item');
      // The test CRM's mapping leaves an absent score out; send it as null, as the Salesforce mapping does.
      await saveMappingOverride(
        test.hub.store.db,
        await test.hub.store.connections.get('crm'),
        'opportunities',
        'out',
        'fields:\n  throughputPerConstraintMinute: { expr: "$exists(throughputPerConstraintMinute) ? throughputPerConstraintMinute : null" }\n',
        'test',
        test.hub.mappingsRoot,
      );
      crm.put('customers', { id: 'A-1', name: 'Wuxi Drives', currency: 'EUR' });
      const product = (sku: string) => crm.list('items').find((item) => item.sku === sku)!.id;
      for (const id of ['O-1', 'O-2'])
        crm.put('opportunities', {
          id,
          name: `Gears ${id}`,
          accountId: 'A-1',
          stage: 'negotiation',
          currency: 'EUR',
          lines: [{ productId: product('GEAR-40'), quantity: 10, unitPrice: 11000 }],
        });
      await syncAll(test.hub, 'crm', ['customers', 'opportunities']);
    });
    afterEach(async () => {
      await test.stop();
    });

    const scoreOf = (id: string) =>
      crm.list('opportunities').find((o) => o.id === id)!.throughputPerConstraintMinute;

    it('clears the score in the hub and in the CRM once the deal has no lines left', async () => {
      expect((await runFlow(test.hub, 'throughput-scoring')).status).toBe('succeeded');
      expect(scoreOf('O-1')).toBe(11.67);

      crm.put('opportunities', { id: 'O-1', lines: [] });
      await syncAll(test.hub, 'crm', ['opportunities']);
      const run = await runFlow(test.hub, 'throughput-scoring');
      expect(run.status).toBe('succeeded');
      expect(scoreOf('O-1')).toBeNull();
      expect(scoreOf('O-2')).toBe(11.67);
      const dealId = await canonicalIdOf(test.hub, 'opportunity', 'crm', 'O-1');
      const { rows } = await test.hub.store.db.query<{ body: Record<string, unknown> }>(
        'SELECT body FROM golden_records WHERE id = $1',
        [dealId],
      );
      expect(rows[0]!.body).not.toHaveProperty('throughputPerConstraintMinute');
      expect(rows[0]!.body.lines).toEqual([]);

      // Nothing left to clear: the next run writes the deal no more.
      const again = await runFlow(test.hub, 'throughput-scoring');
      const annotated = again.steps.find((step) => step.step === 'annotate')!.output as {
        opportunities: Array<{ canonicalId: string }>;
      };
      expect(annotated.opportunities.map((deal) => deal.canonicalId)).not.toContain(dealId);
    });
  },
);
