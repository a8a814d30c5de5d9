import { z } from 'zod';
import type { Queryable } from '../../store/db.ts';
import type { DemandLine } from '../buffers/qualified-demand.ts';
import { tidy } from '../buffers/quantities.ts';
import type { BufferZones } from '../buffers/zones.ts';
import { addDays } from '../calendar.ts';
import { asOfParam, dayCount, defineTocService, positiveDayCount, runEngine } from './define.ts';
import { isOpenOrder, linesOf, type OpenLine } from './demand.ts';
import { createLabels, loadEntity, type Skipped } from './load.ts';

export const bufferParams = z.object({
  asOf: asOfParam,
  /** Days of past sales-order lines the average daily usage is taken over. */
  aduWindowDays: positiveDayCount(30),
  /** Lead time for items that name none. */
  defaultDltDays: dayCount(10),
  leadTimeFactor: z.coerce.number().nonnegative().default(0.5),
  variabilityFactor: z.coerce.number().nonnegative().default(0.5),
});
export type BufferParams = z.output<typeof bufferParams>;

export interface BufferStatus {
  id: string;
  planningPriority: 'green' | 'yellow' | 'red' | 'black';
  executionPriority: string;
  recommendedQty: number;
  zones: BufferZones;
  qualifiedDemand: number;
  nfp: number;
  nfpPct: number;
  onHandPct: number;
}

/**
 * An item's dated open order lines as demand, past due ones included (DDMRP qualifies them). The
 * stock levels' `allocated` is what the ERP reserved for these same open orders (Odoo
 * reserved_quantity, ERPNext reserved_qty) and already leaves the NFP as reservedOutgoing: it is
 * handed out over the lines, earliest due date first, so only their unreserved rest counts again.
 */
export function reservedDemand(lines: readonly OpenLine[], allocated: number): DemandLine[] {
  let unassigned = Math.max(0, allocated);
  return lines
    .filter((line): line is OpenLine & { dueDate: string } => line.dueDate !== undefined)
    .sort((a, b) => a.dueDate.localeCompare(b.dueDate))
    .map((line) => {
      const reserved = Math.min(unassigned, Math.max(0, line.quantity));
      unassigned = tidy(unassigned - reserved);
      return { date: line.dueDate, quantity: line.quantity, ...(reserved > 0 ? { reserved } : {}) };
    });
}

/**
 * Buffer status of every make-to-stock item with a stock level: on hand and allocated from the
 * stock levels, usage from the sales orders, supply from open purchase and work orders, minimum
 * order quantity and order multiple from the item.
 */
export async function computeBuffers(db: Queryable, params: BufferParams) {
  const skipped: Skipped[] = [];
  const labels = createLabels();
  const [items, stock, salesOrders, purchaseOrders, workOrders] = await Promise.all([
    loadEntity(db, 'item', skipped),
    loadEntity(db, 'stock_level', skipped),
    loadEntity(db, 'sales_order', skipped),
    loadEntity(db, 'purchase_order', skipped),
    loadEntity(db, 'work_order', skipped),
  ]);
  const windowStart = addDays(params.asOf, -params.aduWindowDays);
  const salesLines = salesOrders
    .filter((o) => o.body.status !== 'cancelled' && o.body.status !== 'draft')
    .flatMap(linesOf);
  const openLines = salesOrders.filter((o) => isOpenOrder(o.body)).flatMap(linesOf);
  const available = new Map<string, number>();
  const inputItems = [];
  for (const item of items) {
    const levels = stock.filter((level) => level.body.itemId === item.id);
    if (item.body.replenishment !== 'make_to_stock' || levels.length === 0) continue;
    const onHand = levels.reduce((sum, level) => sum + level.body.onHand.value, 0);
    const allocated = levels.reduce((sum, level) => sum + level.body.allocated.value, 0);
    const dltDays = item.body.leadTimeDays ?? params.defaultDltDays;
    const used = salesLines.filter(
      (line) => line.itemId === item.id && line.orderDate > windowStart && line.orderDate <= params.asOf,
    );
    const incoming = [
      ...purchaseOrders
        // A draft is supply already asked for (the replenishment flow writes its orders as drafts):
        // leaving it out would recommend the same order again on every run. What arrived for a CSV
        // draft is recorded on its lines (flows/replenishment/csv-drafts.ts) and no longer counts.
        .filter((po) => ['draft', 'sent', 'confirmed'].includes(po.body.status))
        .flatMap((po) =>
          po.body.lines
            .filter((line) => line.itemId === item.id)
            .map((line) => ({
              date: line.promisedDate ?? addDays(po.body.orderDate, dltDays),
              quantity: Math.max(0, line.quantity.value - (line.receivedQuantity?.value ?? 0)),
            })),
        ),
      ...workOrders
        .filter(
          (wo) =>
            wo.body.itemId === item.id && ['planned', 'released', 'in_progress'].includes(wo.body.status),
        )
        .map((wo) => ({
          date: wo.body.dueDate ?? addDays(params.asOf, dltDays),
          quantity: wo.body.quantity.value,
        })),
    ].filter((receipt) => receipt.quantity > 0);
    const onOrder = levels.reduce((sum, level) => sum + level.body.onOrder.value, 0);
    const label = labels.label(item.id, item.body.sku);
    available.set(label, onHand - allocated);
    inputItems.push({
      id: label,
      adu: used.reduce((sum, line) => sum + line.quantity, 0) / params.aduWindowDays,
      dltDays,
      leadTimeFactor: params.leadTimeFactor,
      variabilityFactor: params.variabilityFactor,
      // The MOQ sizes the green zone and is the least an order asks for; orders round up to the multiple.
      moq: item.body.minimumOrderQuantity ?? 0,
      ...(item.body.orderMultiple === undefined ? {} : { qtyMultiple: item.body.orderMultiple }),
      onHand,
      reservedOutgoing: allocated,
      incoming,
      // Stock levels may know supply that no synced order carries.
      inProgress: incoming.length === 0 ? onOrder : 0,
      demand: reservedDemand(
        openLines.filter((line) => line.itemId === item.id),
        allocated,
      ),
    });
  }
  const input = { asOf: params.asOf, items: inputItems };
  const result = await runEngine<{ items: BufferStatus[] }>('buffers', input);
  return {
    input,
    result,
    refs: labels.refs,
    available,
    items: new Map(items.map((item) => [item.id, item])),
    skipped,
  };
}

export const bufferBoardService = defineTocService({
  name: 'buffers',
  summary: 'DDMRP buffer status and recommended quantities of the make-to-stock items',
  engine: 'buffers',
  params: bufferParams,
  async run(db, params) {
    const { input, result, refs, skipped } = await computeBuffers(db, params);
    return { asOf: params.asOf, input, result, refs, skipped };
  },
});
