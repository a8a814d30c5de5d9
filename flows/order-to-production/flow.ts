import { z } from 'zod';
import { HubError } from '../../core/errors/index.ts';
import { defineFlow } from '../../core/flow/define.ts';
import { deterministicId, patchHubRecord, writeHubRecord } from '../../core/flow/golden-writes.ts';
import { type LoadedRecord, loadRecord, triggerRecordId } from '../../core/flow/records.ts';
import { connectionForRole, writeNow, writeOneNow } from '../../core/flow/targets.ts';
import type { Queryable } from '../../core/store/db.ts';
import { goldenByIds } from '../../core/store/repos/golden.ts';
import { externalIdsFor } from '../../core/store/repos/xref.ts';
import { computeDrumSchedule } from '../../core/toc/services/drum-schedule.ts';
import { today } from '../../core/toc/services/load.ts';
import { computeTimeBuffers } from '../../core/toc/services/time-buffer-board.ts';
import { crmKnowsOrder, crmSkipReason } from '../crm-orders.ts';
import { writeOrderStatus } from '../order-lifecycle.ts';

const SOURCE = 'flow:order-to-production';

type Order = LoadedRecord<'sales_order'>;
type OrderLine = Order['body']['lines'][number];

interface MakeToOrderLine extends OrderLine {
  lineIndex: number;
  sku?: string;
  routed: boolean;
}

/** The order's lines of make-to-order items, each with whether its item has a routing. */
async function makeToOrderLines(db: Queryable, order: Order): Promise<MakeToOrderLine[]> {
  const itemIds = order.body.lines.map((line) => line.itemId);
  const items = await goldenByIds(db, itemIds);
  const { rows } = await db.query<{ item_id: string }>(
    `SELECT body->>'itemId' AS item_id FROM golden_records
     WHERE entity = 'routing' AND NOT deleted AND body->>'itemId' = ANY($1::text[])`,
    [itemIds],
  );
  const routed = new Set(rows.map((row) => row.item_id));
  return order.body.lines.flatMap((line, lineIndex) => {
    const item = items.get(line.itemId)?.body;
    if (item?.replenishment !== 'make_to_order') return [];
    const sku = typeof item.sku === 'string' ? item.sku : undefined;
    return [{ ...line, lineIndex, sku, routed: routed.has(line.itemId) }];
  });
}

/**
 * Every make-to-order line needs a work order before the order counts as in production: a line
 * whose item has no routing (yet) fails the step, and a replay once the routing has synced plans it.
 */
function requireRoutings(order: Order, lines: MakeToOrderLine[]): void {
  const missing = lines.filter((line) => !line.routed);
  if (missing.length === 0) return;
  const named = missing.map((line) => `lines[${line.lineIndex}].itemId (${line.sku ?? line.itemId})`);
  throw new HubError(
    'not_found',
    'missing_routing',
    `sales order ${order.body.number ?? order.id}: no routing for the make-to-order item of ${named.join(', ')}; the order is planned once every such item has one`,
    {
      fieldPath: `lines[${missing[0]!.lineIndex}].itemId`,
      details: {
        salesOrderId: order.id,
        lines: missing.map((line) => ({ lineIndex: line.lineIndex, itemId: line.itemId })),
      },
    },
  );
}

/** What the work orders of an order the ERP does not have yet wait for. */
function salesOrderNotInErp(order: Order, erpId: string): HubError {
  const named = order.body.number ? `${order.body.number} (${order.id})` : order.id;
  return new HubError(
    'not_found',
    'sales_order_not_in_erp',
    `sales order ${named} is not in ${erpId} yet: its work orders refer to it, so they wait until it has been created there (by lead-to-cash, or a sync)`,
    { fieldPath: 'salesOrderId', details: { salesOrderId: order.id, connectionId: erpId } },
  );
}

const settings = z.object({
  /** How long a run waits for the ERP to have the order before it fails. */
  erpOrderWaitSeconds: z.number().int().positive().default(1800),
  shippingBufferDays: z.number().int().nonnegative().default(3),
  constraintBufferDays: z.number().int().nonnegative().default(5),
  /** Time buffer of a work order; absent: shipping plus constraint buffer. */
  timeBufferDays: z.number().int().positive().optional(),
});

/** A work order's time buffer in working days: `timeBufferDays`, else shipping plus constraint buffer. */
export const timeBufferDaysOf = (chosen: z.output<typeof settings>): number =>
  chosen.timeBufferDays ?? Math.max(1, chosen.shippingBufferDays + chosen.constraintBufferDays);

/**
 * A confirmed sales order with make-to-order lines → work orders from the routings → DBR drum
 * schedule → rope release dates and time-buffer colours on the ERP work orders → order status
 * summary to the CRM.
 */
export const orderToProduction = defineFlow({
  name: 'order-to-production',
  summary:
    'Confirmed make-to-order sales order → work orders with DBR release dates and buffer colours in the ERP',
  trigger: {
    kind: 'change',
    entities: ['sales_order'],
    when: async (record, hub) => {
      if (record.body.status !== 'confirmed' || !Array.isArray(record.body.lines)) return false;
      const items = await goldenByIds(
        hub.store.db,
        (record.body.lines as Array<{ itemId: string }>).map((line) => line.itemId),
      );
      return [...items.values()].some((item) => item.body.replenishment === 'make_to_order');
    },
  },
  writesTo: ['erp', 'crm'],
  settings,
})
  // lead-to-cash records the order in the hub before the ERP has it: its change can start this run first.
  .step('await-erp-order', async ({ hub, run, settings, waitFor }) => {
    const order = await loadRecord(hub.store.db, 'sales_order', triggerRecordId(run));
    const erp = await connectionForRole(hub, 'erp');
    const erpOrderId = (await externalIdsFor(hub.store.db, 'sales_order', erp.id, [order.id])).get(order.id);
    if (erpOrderId) return { erpOrderId };
    return waitFor(salesOrderNotInErp(order, erp.id), { maxWaitMs: settings.erpOrderWaitSeconds * 1000 });
  })
  .step('plan-work-orders', async ({ hub, run, halt }) => {
    const order = await loadRecord(hub.store.db, 'sales_order', triggerRecordId(run));
    const lines = await makeToOrderLines(hub.store.db, order);
    requireRoutings(order, lines);
    if (lines.length === 0) halt('the order has no make-to-order line');
    const workOrders = [];
    for (const line of lines) {
      const id = deterministicId(SOURCE, order.id, String(line.lineIndex));
      await writeHubRecord(
        hub.store.db,
        { entity: 'work_order', id, source: SOURCE },
        (current) =>
          current ?? {
            itemId: line.itemId,
            quantity: line.quantity,
            salesOrderId: order.id,
            status: 'planned',
            dueDate: line.dueDate ?? order.body.promiseDate ?? order.body.requestedDate,
          },
      );
      workOrders.push({ workOrderId: id, lineIndex: line.lineIndex, itemId: line.itemId });
    }
    return { salesOrderId: order.id, customerId: order.body.customerId, workOrders };
  })
  .step('schedule', async ({ hub, outputs, settings }) => {
    const { salesOrderId, workOrders } = outputs['plan-work-orders'];
    const { result, scheduled } = await computeDrumSchedule(hub.store.db, {
      asOf: today(),
      shippingBufferDays: settings.shippingBufferDays,
      constraintBufferDays: settings.constraintBufferDays,
    });
    const releases = workOrders.map((workOrder) => {
      const line = scheduled.find(
        (candidate) => candidate.salesOrderId === salesOrderId && candidate.lineIndex === workOrder.lineIndex,
      );
      const planned = line && result.orders.find((engineOrder) => engineOrder.id === line.label);
      return {
        workOrderId: workOrder.workOrderId,
        releaseDate: planned?.releaseDate ?? null,
        plannedShipDate: planned?.plannedShipDate ?? null,
      };
    });
    return { constraint: result.constraint, releases };
  })
  .step('time-buffers', async ({ hub, outputs, settings }) => {
    const bufferDays = timeBufferDaysOf(settings);
    const ids = outputs['plan-work-orders'].workOrders.map((workOrder) => workOrder.workOrderId);
    const { result, refs } = await computeTimeBuffers(hub.store.db, { asOf: today(), bufferDays }, ids);
    const saved = [];
    for (const release of outputs.schedule.releases) {
      const measured = result.orders.find((order) => refs[order.id] === release.workOrderId);
      const patch = {
        ...(release.releaseDate ? { releaseDate: release.releaseDate } : {}),
        ...(measured ? { bufferColor: measured.color, bufferPenetrationPct: measured.penetrationPct } : {}),
      };
      const record = await patchHubRecord(
        hub.store.db,
        { entity: 'work_order', id: release.workOrderId, source: SOURCE },
        patch,
      );
      saved.push({ canonicalId: record.id, version: record.version, bufferColor: measured?.color ?? null });
    }
    return { workOrders: saved };
  })
  .step('write-to-erp', async ({ hub, outputs }) => {
    const written = await writeNow(
      hub,
      await connectionForRole(hub, 'erp'),
      'work_order',
      outputs['time-buffers'].workOrders,
    );
    return { erpWorkOrders: Object.fromEntries(written) };
  })
  .step('summary-to-crm', async ({ hub, outputs }) => {
    const { salesOrderId } = outputs['plan-work-orders'];
    // An order that moved on meanwhile (shipped, cancelled) keeps its status.
    const saved = await writeOrderStatus(
      hub.store.db,
      { entity: 'sales_order', id: salesOrderId, source: SOURCE },
      'in_production',
    );
    const status = saved.status;
    const colours = outputs['time-buffers'].workOrders.map((workOrder) => workOrder.bufferColor);
    const crm = await connectionForRole(hub, 'crm');
    const customerId = outputs['plan-work-orders'].customerId;
    if (!(await crmKnowsOrder(hub.store.db, crm.id, { id: salesOrderId, customerId })))
      return { crmOrderId: null, status, colours, crmSkipped: crmSkipReason(customerId) };
    const crmOrderId = await writeOneNow(hub, crm, 'sales_order', saved.id, saved.version);
    return { crmOrderId, status, colours };
  })
  .build();
