import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  applyMapping,
  compileMapping,
  createMemoryReferenceResolver,
  loadDefaultMapping,
} from '../../core/mapping/index.ts';
import { listFailures } from '../../core/sync/failures.ts';
import { saveMappingOverride } from '../../core/sync/mapping-source.ts';
import { runTocService } from '../../core/toc/services/registry.ts';
import { queueDrivers, storeDrivers } from '../support/drivers.ts';
import type { MemorySystem } from '../support/memory-system.ts';
import { hubDriverPairs, startTestHub, type TestHub } from '../support/test-hub.ts';
import { canonicalIdOf, copyTo, runFlow, setUpPlant, syncAll } from './flow-fixture.ts';

interface RankingAnswer {
  currency: string;
  throughput: number;
  ranking: Array<{ product: string }>;
}

describe.each(hubDriverPairs(storeDrivers(), queueDrivers()))(
  'throughput scoring on $label',
  ({ store, queue }) => {
    let test: TestHub;
    let crm: MemorySystem;
    let erp: MemorySystem;
    beforeEach(async () => {
      test = await startTestHub({ store: await store.open(), queue: queue.open(), workers: false });
      ({ crm, erp } = await setUpPlant(test.hub));
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

    it('clears the score of a deal that can no longer be scored, in the hub and in the CRM', async () => {
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
      expect((await runFlow(test.hub, 'throughput-scoring')).status).toBe('succeeded');
      const scoreOf = (id: string) =>
        crm.list('opportunities').find((o) => o.id === id)!.throughputPerConstraintMinute;
      expect(scoreOf('O-1')).toBe(11.67);

      // Repriced in yen: the gear's cost is in euros, so the deal cannot be scored any more.
      crm.put('opportunities', { id: 'O-1', currency: 'JPY' });
      await syncAll(test.hub, 'crm', ['opportunities']);
      expect((await runFlow(test.hub, 'throughput-scoring')).status).toBe('succeeded');
      expect(scoreOf('O-1')).toBeNull();
      expect(scoreOf('O-2')).toBe(16.8);
      const dealId = await canonicalIdOf(test.hub, 'opportunity', 'crm', 'O-1');
      const { rows } = await test.hub.store.db.query<{ body: Record<string, unknown> }>(
        'SELECT body FROM golden_records WHERE id = $1',
        [dealId],
      );
      expect(rows[0]!.body).not.toHaveProperty('throughputPerConstraintMinute');
    });

    it('ranks the product mix within one currency and reports the products priced in another', async () => {
      // A pump priced and costed in dollars: its throughput cannot be added to the euros of the others.
      erp.put('items', {
        id: 'I-PUMP',
        sku: 'PUMP-7',
        name: 'Pump 7',
        replenishment: 'make_to_order',
        listPrice: 30000,
        tvc: 10000,
        currency: 'USD',
      });
      erp.put('routings', {
        id: 'R-PUMP',
        itemId: 'I-PUMP',
        operations: [{ sequence: 10, workCenterId: 'WC-HEAT', setupMinutes: 0, runMinutesPerUnit: 2 }],
      });
      await syncAll(test.hub, 'erp', ['items', 'routings']);
      const pumpId = await canonicalIdOf(test.hub, 'item', 'erp', 'I-PUMP');

      const inEuros = await runTocService(test.hub.store.db, 'throughput', {});
      const euroResult = inEuros.result as RankingAnswer;
      expect(euroResult.ranking.map((row) => row.product).sort()).toEqual(['GEAR-40', 'SHAFT-12']);
      expect(euroResult.currency).toBe('EUR');
      expect(inEuros.skipped).toContainEqual(
        expect.objectContaining({ entity: 'item', id: pumpId, reason: expect.stringMatching(/USD.*EUR/) }),
      );

      const inDollars = await runTocService(test.hub.store.db, 'throughput', { currency: 'USD' });
      const dollarResult = inDollars.result as RankingAnswer;
      expect(dollarResult.currency).toBe('USD');
      expect(dollarResult.ranking.map((row) => row.product)).toEqual(['PUMP-7']);
      expect(dollarResult.throughput).toBe(0); // no demand for pumps

      await expect(runTocService(test.hub.store.db, 'throughput', { currency: 'CHF' })).rejects.toMatchObject(
        {
          kind: 'invalid_data',
          fieldPath: 'currency',
        },
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

describe('the Salesforce opportunity mapping', () => {
  it('sends an absent score to Salesforce as null, so a cleared score clears the field', async () => {
    const definition = await loadDefaultMapping('salesforce', 'opportunities', 'out');
    const resolver = createMemoryReferenceResolver();
    resolver.link('customer', '001A', 'C-1');
    const mapped = await applyMapping(
      compileMapping(definition),
      { name: 'Gears', customerId: 'C-1', stage: 'negotiation', lines: [] },
      { resolver },
    );
    expect(mapped.value).toMatchObject({ toc: { throughputPerConstraintMinute: null } });
  });
});
