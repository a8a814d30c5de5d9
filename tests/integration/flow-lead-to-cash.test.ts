import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import '../../core/flow/service.ts';
import { findFlow } from '../../core/flow/catalog.ts';
import { replayFlowRun } from '../../core/flow/runner.ts';
import { saveFlowSettings } from '../../core/flow/settings.ts';
import { listFailures } from '../../core/sync/failures.ts';
import { queueDrivers, storeDrivers } from '../support/drivers.ts';
import type { MemorySystem } from '../support/memory-system.ts';
import { eventually, hubDriverPairs, startTestHub, type TestHub } from '../support/test-hub.ts';
import { canonicalIdOf, copyTo, runFlow, setUpPlant, syncAll } from './flow-fixture.ts';

describe.each(hubDriverPairs(storeDrivers(), queueDrivers()))(
  'lead-to-cash on $label',
  ({ store, queue }) => {
    let test: TestHub;
    let crm: MemorySystem;
    let erp: MemorySystem;
    beforeEach(async () => {
      test = await startTestHub({ store: await store.open(), queue: queue.open() });
      ({ crm, erp } = await setUpPlant(test.hub));
      // The CRM sells the ERP's items: products pushed to it are linked through the xref.
      await copyTo(test.hub, 'crm', 'item');
      crm.put('customers', { id: 'A-1', name: 'Hengda Auto Parts', currency: 'EUR' });
    });
    afterEach(async () => {
      await test.stop();
    });

    /** Automatic runs off, so the test's own run is the only one. */
    const onlyManualRuns = async () => {
      for (const name of ['lead-to-cash', 'order-status', 'order-to-production'])
        await saveFlowSettings(test.hub.store.db, findFlow(name), { enabled: false });
    };
    /** ERP customer E-1, over its credit limit, that CRM account A-9 is linked to. */
    const customerOverCreditLimitAsA9 = async () => {
      erp.put('customers', {
        id: 'E-1',
        name: 'Hengda Auto Parts',
        currency: 'EUR',
        creditLimit: 100_000,
        openReceivables: 60_000,
      });
      await syncAll(test.hub, 'erp', ['customers']);
      const customerId = await canonicalIdOf(test.hub, 'customer', 'erp', 'E-1');
      // The CRM account is the ERP customer: link it, as master-data matching would.
      await test.hub.store.db.query(
        `INSERT INTO xref (entity, canonical_id, connection_id, external_id) VALUES ('customer', $1, 'crm', 'A-9')`,
        [customerId],
      );
    };
    const crmProduct = (sku: string) => crm.list('items').find((record) => record.sku === sku)!.id;
    /** Opportunity O-2 of CRM account A-9, for five gears. */
    const bigGearsForA9 = (stage: string) =>
      crm.put('opportunities', {
        id: 'O-2',
        name: 'Big gears',
        accountId: 'A-9',
        stage,
        currency: 'EUR',
        lines: [{ productId: crmProduct('GEAR-40'), quantity: 5, unitPrice: 12000 }],
      });
    const wonOpportunity = (quantity: number) =>
      crm.put('opportunities', {
        id: 'O-1',
        name: 'Gears for Hengda',
        accountId: 'A-1',
        stage: 'won',
        currency: 'EUR',
        lines: [{ productId: crmProduct('GEAR-40'), quantity, unitPrice: 12000 }],
      });

    it('turns a won opportunity into an ERP order (customer created first) and writes number and promise date back', async () => {
      wonOpportunity(10);
      await syncAll(test.hub, 'crm', ['customers', 'opportunities']);
      const opportunityId = await canonicalIdOf(test.hub, 'opportunity', 'crm', 'O-1');
      const run = await eventually(
        async () => {
          const { rows } = await test.hub.store.db.query<{ id: string; status: string }>(
            `SELECT id, status FROM flow_runs WHERE flow = 'lead-to-cash' AND run_key = $1`,
            [opportunityId],
          );
          return rows[0]?.status === 'succeeded' ? rows[0] : undefined;
        },
        20_000,
        'lead-to-cash run succeeded',
      );
      expect(erp.list('customers')).toMatchObject([{ name: 'Hengda Auto Parts' }]);
      const orders = erp.list('sales_orders');
      expect(orders).toHaveLength(1);
      expect(orders[0]).toMatchObject({
        customerId: erp.list('customers')[0]!.id,
        status: 'confirmed',
        currency: 'EUR',
        lines: [{ itemId: 'I-GEAR', quantity: 10, unitPrice: 12000 }],
      });
      expect(orders[0]!.promiseDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(crm.list('opportunities')[0]).toMatchObject({
        id: 'O-1',
        erpOrderNumber: orders[0]!.id,
        promiseDate: orders[0]!.promiseDate,
      });
      const steps = (
        await test.hub.store.db.query<{ step: string; status: string }>(
          'SELECT step, status FROM flow_steps WHERE run_id = $1 ORDER BY position',
          [run.id],
        )
      ).rows;
      expect(steps.map((step) => step.status)).toEqual(['done', 'done', 'done', 'done', 'done', 'done']);
    });

    it('holds an order over the credit limit: flags the CRM opportunity and creates nothing in the ERP', async () => {
      await onlyManualRuns();
      await customerOverCreditLimitAsA9();
      bigGearsForA9('proposal');
      crm.put('opportunities', { id: 'O-2', stage: 'won' });
      await syncAll(test.hub, 'crm', ['opportunities']);
      const opportunityId = await canonicalIdOf(test.hub, 'opportunity', 'crm', 'O-2');
      const run = await runFlow(test.hub, 'lead-to-cash', { recordId: opportunityId });
      expect(run.status).toBe('halted');
      expect(run.context.reason).toMatch(/credit limit/);
      expect(erp.list('sales_orders')).toHaveLength(0);
      expect(crm.list('opportunities')[0]!.creditHold).toMatch(/credit hold/);
    });

    it('clears the credit hold in the CRM once the limit is raised and the run replayed', async () => {
      await onlyManualRuns();
      await customerOverCreditLimitAsA9();
      bigGearsForA9('won');
      await syncAll(test.hub, 'crm', ['opportunities']);
      const opportunityId = await canonicalIdOf(test.hub, 'opportunity', 'crm', 'O-2');
      const held = await runFlow(test.hub, 'lead-to-cash', { recordId: opportunityId });
      expect(held.status).toBe('halted');
      expect(crm.list('opportunities')[0]!.creditHold).toMatch(/credit hold/);

      // Finance raises the limit; the run is replayed and creates the order.
      erp.put('customers', { id: 'E-1', creditLimit: 500_000 });
      await syncAll(test.hub, 'erp', ['customers']);
      const replay = await replayFlowRun(test.hub, findFlow('lead-to-cash'), held.id);
      expect(replay.status).toBe('succeeded');
      const [order] = erp.list('sales_orders');
      // Absent fields are never sent, so the lifted hold must reach the CRM as an explicit null.
      expect(crm.list('opportunities')[0]).toMatchObject({ erpOrderNumber: order!.id, creditHold: null });
    });

    it('replays a run that failed after the ERP order was created without creating a second order', async () => {
      await onlyManualRuns();
      wonOpportunity(4);
      await syncAll(test.hub, 'crm', ['customers', 'opportunities']);
      const opportunityId = await canonicalIdOf(test.hub, 'opportunity', 'crm', 'O-1');
      // The ERP creates the order, but its answer never arrives.
      erp.faults.push({ status: 'lost-answer', stream: 'sales_orders' });
      const first = await runFlow(test.hub, 'lead-to-cash', { recordId: opportunityId });
      expect(first.status).toBe('failed');
      expect(first.steps.find((step) => step.step === 'create-erp-order')?.status).toBe('failed');
      expect(erp.list('sales_orders')).toHaveLength(1);
      const failure = (
        await listFailures(test.hub.store.db, { connectionId: 'flow:lead-to-cash', state: 'open' })
      ).items[0]!;
      expect(failure).toMatchObject({
        direction: 'flow',
        stream: 'create-erp-order',
        externalId: first.id,
        context: { flow: 'lead-to-cash', runId: first.id, step: 'create-erp-order' },
      });

      // Then the CRM refuses the write-back once.
      const refusal = {
        status: 'reject' as const,
        when: (record: Record<string, unknown>) => 'erpOrderNumber' in record,
        fieldPath: 'erpOrderNumber',
        message: 'field is read-only',
      };
      crm.faults.push(refusal);
      const second = await replayFlowRun(test.hub, findFlow('lead-to-cash'), first.id);
      expect(second.status).toBe('failed');
      expect(second.steps.find((step) => step.step === 'write-back-crm')?.status).toBe('failed');
      expect(erp.list('sales_orders')).toHaveLength(1);

      crm.faults.splice(crm.faults.indexOf(refusal), 1);
      const third = await replayFlowRun(test.hub, findFlow('lead-to-cash'), first.id);
      expect(third.status).toBe('succeeded');
      expect(third.steps.find((step) => step.step === 'create-erp-order')?.attempts).toBe(2);
      expect(third.steps.find((step) => step.step === 'load-opportunity')?.attempts).toBe(1);
      expect(erp.list('sales_orders')).toHaveLength(1);
      const created = third.steps.find((step) => step.step === 'create-erp-order')!;
      const { erpOrderId } = created.output as { erpOrderId: string };
      expect(crm.list('opportunities')[0]!.erpOrderNumber).toBe(erpOrderId);
      expect((await listFailures(test.hub.store.db, { ids: [failure.id] })).items[0]!.state).toBe('resolved');
    });
  },
);
