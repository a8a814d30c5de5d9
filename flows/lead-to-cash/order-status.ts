import { z } from 'zod';
import { defineFlow } from '../../core/flow/define.ts';
import { patchHubRecord } from '../../core/flow/golden-writes.ts';
import { loadRecord, triggerRecordId } from '../../core/flow/records.ts';
import { connectionForRole, writeOneNow } from '../../core/flow/targets.ts';
import { getGolden } from '../../core/store/repos/golden.ts';
import { crmKnowsOrder, crmSkipReason, orderChangesForOpportunity } from '../crm-orders.ts';
import { writeOrderStatus } from '../order-lifecycle.ts';

const SOURCE = 'flow:order-status';

/**
 * The back half of lead-to-cash: ERP order status, shipments and invoices flow back to the CRM.
 * A done outbound shipment marks its order shipped; the order (status, number, promise date)
 * is written to the CRM, and the ERP's order number and promise date (rescheduled in the ERP) to
 * the won opportunity. The status only moves forward (flows/order-lifecycle.ts).
 */
export const orderStatus = defineFlow({
  name: 'order-status',
  summary: 'ERP order status, shipments and invoices → order status in the CRM',
  trigger: {
    kind: 'change',
    entities: ['sales_order', 'shipment'],
    when: (record) => {
      if (record.entity === 'shipment')
        return (
          record.body.status === 'done' &&
          record.body.direction === 'outbound' &&
          typeof record.body.salesOrderId === 'string'
        );
      return typeof record.body.opportunityId === 'string';
    },
    key: (record) => `${record.entity}:${record.id}:v${record.version}`,
  },
  writesTo: ['crm'],
  settings: z.object({}),
})
  .step('resolve-order', async ({ hub, run }) => {
    const changed = await getGolden(hub.store.db, triggerRecordId(run));
    const shipment =
      changed?.entity === 'shipment' ? await loadRecord(hub.store.db, 'shipment', changed.id) : undefined;
    const order = await loadRecord(
      hub.store.db,
      'sales_order',
      shipment?.body.salesOrderId ?? triggerRecordId(run),
    );
    return {
      salesOrderId: order.id,
      // The move this change asks for; the status itself is settled when it is written.
      proposed: shipment ? ('shipped' as const) : null,
      number: order.body.number ?? null,
      opportunityId: order.body.opportunityId ?? null,
    };
  })
  .step('update-order', async ({ hub, outputs }) => {
    const { salesOrderId, proposed } = outputs['resolve-order'];
    // Forward only, against the order's history as it is now: an ERP sync that sends its
    // unchanged 'confirmed' does not undo shipped, and neither does a run that goes on later.
    const saved = await writeOrderStatus(
      hub.store.db,
      { entity: 'sales_order', id: salesOrderId, source: SOURCE },
      proposed ?? undefined,
    );
    return { version: saved.version, status: saved.status };
  })
  .step('write-to-crm', async ({ hub, outputs }) => {
    const { salesOrderId, opportunityId } = outputs['resolve-order'];
    const crm = await connectionForRole(hub, 'crm');
    // As order-to-production does: the delivery of an order the ERP took for a customer the CRM
    // never had is not written there (nor filed as a failure).
    const order = (await loadRecord(hub.store.db, 'sales_order', salesOrderId)).body;
    const { customerId } = order;
    if (!(await crmKnowsOrder(hub.store.db, crm.id, { id: salesOrderId, customerId })))
      return { crmOrderId: null, crmOpportunityId: null, crmSkipped: crmSkipReason(customerId) };
    const crmOrderId = await writeOneNow(
      hub,
      crm,
      'sales_order',
      salesOrderId,
      outputs['update-order'].version,
    );
    if (!opportunityId) return { crmOrderId, crmOpportunityId: null };
    // The order as it is now (a run that goes on later writes today's date), against what the
    // opportunity shows with its row locked: only what differs is written, a dropped date too.
    const saved = await patchHubRecord(
      hub.store.db,
      { entity: 'opportunity', id: opportunityId, source: SOURCE },
      async (opportunity, tx) =>
        orderChangesForOpportunity((await loadRecord(tx, 'sales_order', salesOrderId)).body, opportunity),
    );
    // An order with nothing to show on the opportunity, which shows nothing of it either.
    if (!saved.changed && !order.number && !order.promiseDate) return { crmOrderId, crmOpportunityId: null };
    return {
      crmOrderId,
      crmOpportunityId: await writeOneNow(hub, crm, 'opportunity', saved.id, saved.version),
    };
  })
  .build();
