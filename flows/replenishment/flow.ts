import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'csv-stringify/sync';
import { z } from 'zod';
import { HubError } from '../../core/errors/index.ts';
import { defineFlow, type LeftUndone, type RunInfo } from '../../core/flow/define.ts';
import { deterministicId, writeHubRecord } from '../../core/flow/golden-writes.ts';
import { flowFailureConnection } from '../../core/flow/runner.ts';
import { connectionForRole, writeLinkedNow, writeNow } from '../../core/flow/targets.ts';
import type { Db } from '../../core/store/db.ts';
import { recordFailure, resolveFailuresFor } from '../../core/sync/failures.ts';
import { addDays } from '../../core/toc/calendar.ts';
import { bufferParams, computeBuffers } from '../../core/toc/services/buffer-board.ts';
import { loadEntity, today } from '../../core/toc/services/load.ts';
import { receiveCsvDrafts } from './csv-drafts.ts';

const SOURCE = 'flow:replenishment';

const settings = bufferParams.omit({ asOf: true }).extend({
  /** Purchased items become purchase requisitions in the ERP, or lines of a CSV for the supplier portal. */
  purchaseTarget: z.enum(['erp', 'csv']).default('erp'),
  csvFolder: z.string().min(1).default('exports'),
  /** Supplier for purchased items no earlier purchase order names. */
  defaultSupplierId: z.string().optional(),
  /** Currency of requisitions whose items carry no cost currency. */
  currency: z.string().length(3).default('EUR'),
});

interface Requisition {
  itemId: string;
  sku: string;
  supplierId: string;
  quantity: number;
  uom: string;
  promisedDate: string;
  currency: string;
  /** The hub's draft purchase order the line belongs to, once recorded. */
  purchaseOrderId?: string;
}

/**
 * One draft purchase order per supplier, with an id from the run's key: a replay finds it instead
 * of adding one. Each requisition learns the id of its draft.
 */
async function recordDraftPurchaseOrders(
  db: Db,
  runKey: string,
  asOf: string,
  requisitions: Requisition[],
): Promise<Array<{ canonicalId: string; version: number }>> {
  const orders = [];
  for (const supplierId of new Set(requisitions.map((line) => line.supplierId))) {
    const lines = requisitions.filter((line) => line.supplierId === supplierId);
    const body = {
      supplierId,
      status: 'draft',
      orderDate: asOf,
      currency: lines[0]!.currency,
      lines: lines.map((line) => ({
        itemId: line.itemId,
        quantity: { value: line.quantity, uom: line.uom },
        promisedDate: line.promisedDate,
      })),
    };
    const saved = await writeHubRecord(
      db,
      { entity: 'purchase_order', id: deterministicId(runKey, supplierId), source: SOURCE },
      (current) => current ?? body,
    );
    for (const line of lines) line.purchaseOrderId = saved.id;
    orders.push({ canonicalId: saved.id, version: saved.version });
  }
  return orders;
}

const ORDER_STEP = 'create-orders';
const GONE = 'no longer in master data (deleted, merged or unreadable) since its buffer was read';
const NO_SUPPLIER = 'no supplier: no earlier purchase order and no defaultSupplierId';

/** An item whose buffer asks for an order that the flow could not place: no supplier to order from. */
interface Unordered {
  itemId: string;
  sku: string;
  color: string;
  recommendedQty: number;
  uom: string;
}

/** An unordered item as the run's `partial` report names it: SKU, buffer colour, quantity, and why. */
const undoneItem = (item: Unordered): LeftUndone => ({
  entity: 'item',
  id: item.itemId,
  reason: `${item.sku} (${item.color}, ${item.recommendedQty} ${item.uom}): ${NO_SUPPLIER}`,
});

/**
 * One failure per item that needs ordering but has no supplier (value class, field supplierId), so
 * the stock-out it heads for is seen, not only in the step output; each later run that still cannot
 * order it counts another attempt on that failure. An item ordered now, or no longer in need of an
 * order (bought outside the hub, say), resolves its failure.
 */
async function fileUnorderedItems(
  db: Db,
  run: RunInfo,
  unordered: Unordered[],
  buffered: Array<{ itemId: string }>,
): Promise<void> {
  const connectionId = flowFailureConnection(run.flow);
  for (const item of unordered) {
    await recordFailure(db, {
      connectionId,
      stream: ORDER_STEP,
      direction: 'flow',
      canonicalId: item.itemId,
      rawPayload: { entity: 'item', ...item },
      error: new HubError(
        'invalid_data',
        'no_supplier',
        `item ${item.sku} (${item.itemId}) was not ordered: its buffer is ${item.color} and asks for ${item.recommendedQty} ${item.uom}, but no purchase order names a supplier for it and the setting defaultSupplierId is not set`,
        { fieldPath: 'supplierId' },
      ),
      context: { flow: run.flow, runId: run.id, step: ORDER_STEP },
    });
  }
  const stillUnordered = new Set(unordered.map((item) => item.itemId));
  const settled = buffered.map((item) => item.itemId).filter((id) => !stillUnordered.has(id));
  await resolveFailuresFor(db, {
    connectionId,
    stream: ORDER_STEP,
    direction: 'flow',
    canonicalIds: settled,
  });
}

/** A run key as part of a file name (`cron:2026-12-04T06:00` → `cron_2026-12-04T06_00`). */
const fileSafe = (text: string) => text.replace(/[^\w.-]/g, '_').slice(0, 80);

/**
 * The purchase lines as a CSV for the supplier portal. The file is named after the run: a second
 * run the same day writes a file of its own, and a replay of the run writes the same one again.
 * Columns: sku, supplierId, quantity, uom, promisedDate, purchaseOrderId (the hub's draft, last so
 * readers of the first five are not disturbed).
 */
async function exportRequisitions(
  folder: string,
  name: string,
  requisitions: Requisition[],
): Promise<string> {
  const file = join(folder, `replenishment-${name}.csv`);
  await mkdir(folder, { recursive: true });
  const rows = requisitions.map((line) => ({
    sku: line.sku,
    supplierId: line.supplierId,
    quantity: line.quantity,
    uom: line.uom,
    promisedDate: line.promisedDate,
    purchaseOrderId: line.purchaseOrderId ?? '',
  }));
  await writeFile(file, stringify(rows, { header: true }));
  return file;
}

/**
 * Stock levels → buffer status and recommended quantities → production orders and purchase
 * requisitions in the ERP (or a CSV for the supplier portal) → buffer colour and available
 * quantity on the CRM products.
 */
export const replenishment = defineFlow({
  name: 'replenishment',
  summary:
    'Buffer status from stock levels → replenishment orders in the ERP or a CSV; buffer colours to the CRM products',
  trigger: { kind: 'cron', cron: '0 6 * * *' },
  writesTo: ['erp', 'crm'],
  settings,
})
  // First, so goods that came in for a CSV draft no longer count as on order.
  .step('receive-csv-drafts', async ({ hub }) => ({
    purchaseOrders: await receiveCsvDrafts(hub.store.db, SOURCE),
  }))
  .step('buffer-status', async ({ hub, settings }) => {
    const { result, refs, available } = await computeBuffers(hub.store.db, { ...settings, asOf: today() });
    return {
      asOf: today(),
      items: result.items.map((item) => ({
        itemId: refs[item.id]!,
        color: item.planningPriority,
        recommendedQty: item.recommendedQty,
        available: available.get(item.id) ?? 0,
      })),
    };
  })
  .step('annotate-items', async ({ hub, outputs }) => {
    const { asOf, items } = outputs['buffer-status'];
    const saved = [];
    for (const item of items) {
      const toc = {
        bufferColor: item.color,
        availableQuantity: item.available,
        recommendedQuantity: item.recommendedQty,
        bufferAsOf: asOf,
      };
      const record = await writeHubRecord(
        hub.store.db,
        { entity: 'item', id: item.itemId, source: SOURCE },
        (current) => ({ ...current, toc: { ...(current?.toc as object), ...toc } }),
      );
      saved.push({ canonicalId: record.id, version: record.version });
    }
    return { items: saved };
  })
  .step(ORDER_STEP, async ({ hub, run, outputs, settings, key, partial }) => {
    const { asOf, items } = outputs['buffer-status'];
    const needed = items.filter((item) => item.recommendedQty > 0);
    const skipped: Array<{ entity: string; id: string; reason: string }> = [];
    const [catalog, purchaseOrders] = await Promise.all([
      loadEntity(hub.store.db, 'item', skipped),
      loadEntity(hub.store.db, 'purchase_order', skipped),
    ]);
    const byId = new Map(catalog.map((item) => [item.id, item.body]));
    const lastSupplier = (itemId: string) =>
      purchaseOrders
        .filter((po) => po.body.lines.some((line) => line.itemId === itemId))
        .sort((a, b) => b.body.orderDate.localeCompare(a.body.orderDate))[0]?.body.supplierId ??
      settings.defaultSupplierId;
    const workOrders = [];
    const requisitions: Requisition[] = [];
    const unordered: Unordered[] = [];
    for (const need of needed) {
      const item = byId.get(need.itemId);
      // A replay runs on the buffer status it recorded: the item may have been deleted or merged since.
      if (!item) {
        skipped.push({ entity: 'item', id: need.itemId, reason: GONE });
        continue;
      }
      const due = addDays(asOf, item.leadTimeDays ?? settings.defaultDltDays);
      if (item.type === 'manufactured') {
        const body = {
          itemId: need.itemId,
          quantity: { value: need.recommendedQty, uom: item.uom },
          status: 'planned',
          dueDate: due,
        };
        const saved = await writeHubRecord(
          hub.store.db,
          { entity: 'work_order', id: deterministicId(key('work_order'), need.itemId), source: SOURCE },
          (current) => current ?? body,
        );
        workOrders.push({ canonicalId: saved.id, version: saved.version });
        continue;
      }
      const supplierId = lastSupplier(need.itemId);
      if (!supplierId) {
        skipped.push({ entity: 'item', id: need.itemId, reason: NO_SUPPLIER });
        unordered.push({
          itemId: need.itemId,
          sku: item.sku,
          color: need.color,
          recommendedQty: need.recommendedQty,
          uom: item.uom,
        });
      } else
        requisitions.push({
          itemId: need.itemId,
          sku: item.sku,
          supplierId,
          quantity: need.recommendedQty,
          uom: item.uom,
          promisedDate: due,
          currency: (item.trulyVariableCost ?? item.standardCost)?.currency ?? settings.currency,
        });
    }
    const erp = await connectionForRole(hub, 'erp');
    const erpWorkOrders = await writeNow(hub, erp, 'work_order', workOrders);
    // Recorded in the hub in either mode: a draft counts as supply, so the next run does not ask again.
    const orders = await recordDraftPurchaseOrders(hub.store.db, key('purchase_order'), asOf, requisitions);
    const purchases =
      settings.purchaseTarget === 'csv'
        ? {
            purchaseOrders: {},
            drafts: orders.map((order) => order.canonicalId),
            csv: await exportRequisitions(settings.csvFolder, `${asOf}-${fileSafe(run.key)}`, requisitions),
          }
        : {
            purchaseOrders: Object.fromEntries(await writeNow(hub, erp, 'purchase_order', orders)),
            csv: null,
          };
    // Once the orders are placed: an item's failure resolves only when it has really been ordered.
    await fileUnorderedItems(hub.store.db, run, unordered, items);
    if (unordered.length > 0)
      partial(
        `not ordered: ${unordered.length} of ${needed.length} items whose buffer asks for an order`,
        unordered.map(undoneItem),
      );
    return { workOrders: Object.fromEntries(erpWorkOrders), ...purchases, skipped };
  })
  .step('push-to-crm', async ({ hub, outputs }) => {
    const crm = await connectionForRole(hub, 'crm');
    const saved = outputs['annotate-items'].items;
    // Only the products the CRM sells: items it never had are not created there.
    const written = await writeLinkedNow(hub, crm, 'item', saved);
    return { crmProducts: Object.fromEntries(written) };
  })
  .build();
