import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listFailures } from '../../core/sync/failures.ts';
import { runTocService } from '../../core/toc/services/registry.ts';
import { queueDrivers, storeDrivers } from '../support/drivers.ts';
import type { MemorySystem } from '../support/memory-system.ts';
import { hubDriverPairs, startTestHub, type TestHub } from '../support/test-hub.ts';
import { canonicalIdOf, copyTo, runFlow, setUpPlant, syncAll } from './flow-fixture.ts';

describe.each(hubDriverPairs(storeDrivers(), queueDrivers()))(
  'throughput scoring on $label',
  ({ store, queue }) => {
    let test: TestHub;
    let crm: MemorySystem;
    beforeEach(async () => {
      test = await startTestHub({ store: await store.open(), queue: queue.open(), workers: false });
      ({ crm } = await setUpPlant(test.hub));
      await copyTo(test.hub, 'crm', 'item');
      crm.put('customers', { id: 'A-1', name: 'Wuxi Drives', currency: 'EUR' });
      const product = (sku: string) => crm.list('items').find((item) => item.sku === sku)!.id;
      crm.put('opportunities', {
        id: 'O-1',
        name: 'Gears at a discount',
        accountId: 'A-1',
        stage: 'negotiation',
        currency: 'EUR',
        lines: [{ productId: product('GEAR-40'), quantity: 10, unitPrice: 11000 }],
      });
      crm.put('opportunities', {
        id: 'O-2',
        name: 'Shafts and bolts',
        accountId: 'A-1',
        stage: 'proposal',
        currency: 'EUR',
        lines: [
          { productId: product('SHAFT-12'), quantity: 40, unitPrice: 5000 },
          { productId: product('BOLT-M8'), quantity: 100, unitPrice: 60 },
        ],
      });
      crm.put('opportunities', {
        id: 'O-3',
        name: 'Already won',
        accountId: 'A-1',
        stage: 'won',
        currency: 'EUR',
        lines: [{ productId: product('GEAR-40'), quantity: 1, unitPrice: 12000 }],
      });
      await syncAll(test.hub, 'crm', ['customers', 'opportunities']);
    });
    afterEach(async () => {
      await test.stop();
    });

    it('writes T per constraint minute to the CRM products and the open opportunities', async () => {
      const run = await runFlow(test.hub, 'throughput-scoring');
      expect(run.status).toBe('succeeded');
      // HEAT is the flagged constraint. Gear: (120 − 40) / 4 min; shaft: (50 − 30) / 1 min.
      const bySku = Object.fromEntries(
        crm.list('items').map((item) => [item.sku, item.throughputPerConstraintMinute]),
      );
      expect(bySku).toEqual({ 'GEAR-40': 20, 'SHAFT-12': 20, 'BOLT-M8': undefined });
      const deals = Object.fromEntries(
        crm.list('opportunities').map((o) => [o.id, o.throughputPerConstraintMinute]),
      );
      // O-1: 10 × (110 − 40) = 700 over 20 setup + 10 × 4 = 60 min; O-2: 40 × 20 + 100 × 0.4 = 840 over 10 + 40 = 50 min.
      expect(deals).toEqual({ 'O-1': 11.67, 'O-2': 16.8, 'O-3': undefined });
    });

    it('scores no line priced in another currency than its cost, and files it as a value failure', async () => {
      // The gear costs 40.00 EUR; this deal prices it in yen. The hub keeps no exchange rates.
      crm.put('opportunities', {
        id: 'O-JP',
        name: 'Gears for Osaka',
        accountId: 'A-1',
        stage: 'negotiation',
        currency: 'JPY',
        lines: [
          {
            productId: crm.list('items').find((i) => i.sku === 'GEAR-40')!.id,
            quantity: 10,
            unitPrice: 18000,
          },
        ],
      });
      await syncAll(test.hub, 'crm', ['opportunities']);
      const run = await runFlow(test.hub, 'throughput-scoring');
      expect(run.status).toBe('succeeded');
      const deals = Object.fromEntries(
        crm.list('opportunities').map((o) => [o.id, o.throughputPerConstraintMinute]),
      );
      expect(deals).toEqual({ 'O-1': 11.67, 'O-2': 16.8, 'O-3': undefined, 'O-JP': undefined });
      const jpyDeal = await canonicalIdOf(test.hub, 'opportunity', 'crm', 'O-JP');
      const failures = await listFailures(test.hub.store.db, { connectionId: 'flow:throughput-scoring' });
      expect(failures.items).toMatchObject([
        {
          direction: 'flow',
          stream: 'score',
          canonicalId: jpyDeal,
          errorClass: 'value',
          fieldPath: 'lines[0].unitPrice.currency',
          state: 'open',
        },
      ]);
      expect(failures.items[0]!.message).toMatch(/JPY.*EUR/);

      // Priced in euros after all: it scores, and its failure resolves.
      crm.put('opportunities', { id: 'O-JP', currency: 'EUR' });
      await syncAll(test.hub, 'crm', ['opportunities']);
      expect((await runFlow(test.hub, 'throughput-scoring')).status).toBe('succeeded');
      // (180 − 40) × 10 over 20 setup + 10 × 4 = 60 constraint minutes.
      expect(crm.list('opportunities').find((o) => o.id === 'O-JP')!.throughputPerConstraintMinute).toBe(
        23.33,
      );
      expect((await listFailures(test.hub.store.db, { ids: [failures.items[0]!.id] })).items[0]!.state).toBe(
        'resolved',
      );
    });

    it('answers the ranking board from the synced data through the TOC service', async () => {
      const answer = await runTocService(test.hub.store.db, 'throughput', {});
      const result = answer.result as {
        constraint: string;
        ranking: Array<{ product: string }>;
        scores: Array<{ throughputPerConstraintMinute: number }>;
      };
      expect(result.constraint).toBe('HEAT');
      expect(result.ranking.map((row) => row.product).sort()).toEqual(['GEAR-40', 'SHAFT-12']);
      expect(answer.refs['GEAR-40']).toMatch(/^[0-9a-f-]{36}$/);
      expect(
        (answer.input as { products: Array<{ demand: number }> }).products.map((p) => p.demand).sort(),
      ).toEqual([10, 40]);
    });
  },
);
