import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMemoryQueue } from '../../core/queue/memory-driver.ts';
import { listFailures } from '../../core/sync/failures.ts';
import { today } from '../../core/toc/services/load.ts';
import {
  canonicalIdOf,
  copyTo,
  runFlow,
  setUpPlant,
  shipInErp,
  syncAll,
} from '../../tests/integration/flow-fixture.ts';
import { storeDrivers } from '../../tests/support/drivers.ts';
import type { MemorySystem } from '../../tests/support/memory-system.ts';
import { startTestHub, type TestHub } from '../../tests/support/test-hub.ts';

describe.each(storeDrivers())(
  'order-status: the delivery of an order the CRM never had on $name',
  (driver) => {
    let test: TestHub;
    let crm: MemorySystem;
    let erp: MemorySystem;
    beforeEach(async () => {
      test = await startTestHub({ store: await driver.open(), queue: createMemoryQueue(), workers: false });
      ({ crm, erp } = await setUpPlant(test.hub));
      await copyTo(test.hub, 'crm', 'item');
    });
    afterEach(async () => {
      await test.stop();
    });

    it('marks the order shipped in the hub, leaves it out of the CRM and files no failure', async () => {
      // An EDI order in the ERP for a customer the CRM never had (no opportunity behind it).
      erp.put('customers', { id: 'E-8', name: 'Ningbo Valve Works', currency: 'EUR' });
      erp.put('sales_orders', {
        id: 'S-2',
        number: 'SO-9002',
        customerId: 'E-8',
        status: 'confirmed',
        orderDate: today(),
        currency: 'EUR',
        lines: [{ itemId: 'I-SHAFT', quantity: 4, unitPrice: 5000 }],
      });
      await syncAll(test.hub, 'erp', ['customers', 'sales_orders']);
      await shipInErp(test.hub, erp, 'S-2');

      const run = await runFlow(test.hub, 'order-status', {
        recordId: await canonicalIdOf(test.hub, 'shipment', 'erp', 'D-1'),
      });
      expect(run).toMatchObject({ status: 'succeeded', error: null });
      const customerId = await canonicalIdOf(test.hub, 'customer', 'erp', 'E-8');
      expect(run.steps.find((step) => step.step === 'write-to-crm')!.output).toEqual({
        crmOrderId: null,
        crmOpportunityId: null,
        crmSkipped: `the CRM does not know customer ${customerId}`,
      });
      expect(run.steps.find((step) => step.step === 'update-order')!.output).toMatchObject({
        status: 'shipped',
      });
      expect(crm.list('sales_orders')).toEqual([]);
      expect((await listFailures(test.hub.store.db, {})).items).toEqual([]);
    });
  },
);
