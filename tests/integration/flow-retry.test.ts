import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import '../../core/flow/service.ts';
import { HubError } from '../../core/errors/index.ts';
import { findFlow } from '../../core/flow/catalog.ts';
import { type FlowRunView, viewRun } from '../../core/flow/runner.ts';
import { saveFlowSettings } from '../../core/flow/settings.ts';
import { listFailures } from '../../core/sync/failures.ts';
import { queueDrivers, storeDrivers } from '../support/drivers.ts';
import { type MemorySystem, memoryConnector } from '../support/memory-system.ts';
import { eventually, hubDriverPairs, startTestHub, type TestHub } from '../support/test-hub.ts';
import { canonicalIdOf, copyTo, setUpPlant, syncAll } from './flow-fixture.ts';

describe.each(hubDriverPairs(storeDrivers(), queueDrivers()))(
  'lead-to-cash runs that failed, on $label',
  ({ store, queue }) => {
    let test: TestHub;
    let crm: MemorySystem;
    let erp: MemorySystem;
    let erpSystem: string;
    const originalWrite = memoryConnector.write;

    beforeEach(async () => {
      test = await startTestHub({ store: await store.open(), queue: queue.open() });
      let names: { erp: string };
      ({ crm, erp, names } = await setUpPlant(test.hub));
      erpSystem = names.erp;
      await copyTo(test.hub, 'crm', 'item');
      for (const name of ['order-status', 'order-to-production'])
        await saveFlowSettings(test.hub.store.db, findFlow(name), { enabled: false });
      crm.put('customers', { id: 'A-1', name: 'Hengda Auto Parts', currency: 'EUR' });
    });
    afterEach(async () => {
      memoryConnector.write = originalWrite;
      await test.stop();
    });

    const winOpportunity = (id: string, productId: string) =>
      crm.put('opportunities', {
        id,
        name: 'Gears',
        accountId: 'A-1',
        stage: 'won',
        currency: 'EUR',
        lines: [{ productId, quantity: 5, unitPrice: 12000 }],
      });
    const runOf = async (opportunityId: string): Promise<FlowRunView | undefined> => {
      const { rows } = await test.hub.store.db.query<{ id: string }>(
        `SELECT id FROM flow_runs WHERE flow = 'lead-to-cash' AND run_key = $1`,
        [opportunityId],
      );
      return rows[0] ? viewRun(test.hub, rows[0].id) : undefined;
    };
    const runIn = (opportunityId: string, status: string, what: string) =>
      eventually(
        async () => {
          const run = await runOf(opportunityId);
          return run?.status === status ? run : undefined;
        },
        20_000,
        what,
      );
    const attemptsOf = (run: FlowRunView) =>
      Object.fromEntries(run.steps.map((step) => [step.step, step.attempts]));
    const flowFailuresOf = async (run: FlowRunView) =>
      (await listFailures(test.hub.store.db, { connectionId: 'flow:lead-to-cash' })).items.filter(
        (failure) => failure.externalId === run.id,
      );

    it('retries a run that failed on a transient ERP error, without repeating the steps done', async () => {
      let refused = false;
      memoryConnector.write = async (ctx, stream, ops) => {
        if (
          (ctx.config as { system: string }).system === erpSystem &&
          stream === 'sales_orders' &&
          !refused
        ) {
          refused = true;
          throw new HubError('transient', 'http_500', 'Internal Server Error');
        }
        return originalWrite.call(memoryConnector, ctx, stream, ops);
      };
      winOpportunity('O-1', crm.list('items').find((record) => record.sku === 'GEAR-40')!.id);
      await syncAll(test.hub, 'crm', ['customers', 'opportunities']);
      const opportunityId = await canonicalIdOf(test.hub, 'opportunity', 'crm', 'O-1');

      const run = await runIn(opportunityId, 'succeeded', 'the run retried to success');
      expect(refused).toBe(true);
      expect(erp.list('sales_orders')).toHaveLength(1);
      expect(attemptsOf(run)).toMatchObject({
        'load-opportunity': 1,
        'create-erp-order': 2,
        'write-back-crm': 1,
      });
      const failures = await flowFailuresOf(run);
      expect(failures).toMatchObject([
        { stream: 'create-erp-order', errorClass: 'intermittent', state: 'resolved' },
      ]);
    });

    it('replays a failed run when its opportunity changes again after the missing item arrived', async () => {
      crm.put('items', { id: 'P-NEW', sku: 'GEAR-60', name: 'Gear 60', replenishment: 'make_to_order' });
      await syncAll(test.hub, 'crm', ['items']);
      winOpportunity('O-2', 'P-NEW');
      await syncAll(test.hub, 'crm', ['customers', 'opportunities']);
      const opportunityId = await canonicalIdOf(test.hub, 'opportunity', 'crm', 'O-2');
      const failed = await runIn(opportunityId, 'failed', 'the run failed on the missing item');
      expect(failed.error).toMatch(/create-erp-order: item .* not known in erp/);

      await copyTo(test.hub, 'erp', 'item');
      crm.put('opportunities', { id: 'O-2', closeDate: '2026-12-31' });
      await syncAll(test.hub, 'crm', ['opportunities']);

      const run = await runIn(opportunityId, 'succeeded', 'the failed run replayed');
      expect(run.id).toBe(failed.id);
      expect(erp.list('sales_orders')).toHaveLength(1);
      expect(attemptsOf(run)).toMatchObject({ 'load-opportunity': 1, 'create-erp-order': 2 });
      expect(await flowFailuresOf(run)).toMatchObject([
        { stream: 'create-erp-order', errorClass: 'missing_reference', state: 'resolved' },
      ]);
    });
  },
);
