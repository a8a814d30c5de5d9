import type { SalesOrder } from '../../model/orders.ts';
import type { Queryable } from '../../store/db.ts';
import { type Loaded, loadEntity, type Skipped } from './load.ts';

const openStatuses = new Set<SalesOrder['status']>(['confirmed', 'in_production']);

export interface OpenLine {
  salesOrderId: string;
  orderNumber: string | undefined;
  lineIndex: number;
  itemId: string;
  quantity: number;
  /** The line's due date, else the order's promise date, else its requested date. */
  dueDate: string | undefined;
  orderDate: string;
}

export function isOpenOrder(order: SalesOrder): boolean {
  return openStatuses.has(order.status);
}

export function linesOf(order: Loaded<'sales_order'>): OpenLine[] {
  return order.body.lines.map((line, lineIndex) => ({
    salesOrderId: order.id,
    orderNumber: order.body.number,
    lineIndex,
    itemId: line.itemId,
    quantity: line.quantity.value,
    dueDate: line.dueDate ?? order.body.promiseDate ?? order.body.requestedDate,
    orderDate: order.body.orderDate,
  }));
}

/** Lines of confirmed and in-production sales orders: the load the plant has promised. */
export async function loadOpenOrderLines(
  db: Queryable,
  skipped: Skipped[],
): Promise<{ orders: Array<Loaded<'sales_order'>>; lines: OpenLine[] }> {
  const orders = await loadEntity(db, 'sales_order', skipped);
  const open = orders.filter((order) => isOpenOrder(order.body));
  return { orders, lines: open.flatMap(linesOf) };
}

/** An engine id per order line: the order number, with the line number when the order has several. */
export function lineLabel(line: OpenLine, linesInOrder: number): string {
  const order = line.orderNumber ?? line.salesOrderId;
  return linesInOrder > 1 ? `${order}/${line.lineIndex + 1}` : order;
}
