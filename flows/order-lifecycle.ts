import { type HubWrite, patchHubRecord, type SavedRecord } from '../core/flow/golden-writes.ts';
import { type SalesOrder, salesOrderStatuses } from '../core/model/orders.ts';
import type { Db, Queryable } from '../core/store/db.ts';

export type OrderStatus = SalesOrder['status'];

/**
 * The stages a sales order moves through. The status the hub writes (to the golden order and the
 * CRM) never goes back along them: an ERP keeps a delivered order in its own "confirmed" state
 * (Odoo's 'sale'), and its next sync of the order must not undo the hub's in_production or shipped.
 */
const stages: OrderStatus[] = ['draft', 'confirmed', 'in_production', 'shipped', 'invoiced', 'closed'];
const stageOf = (status: OrderStatus) => stages.indexOf(status);

interface Lifecycle {
  stage: OrderStatus;
  /** A hold pauses an order that has not shipped; leaving it returns to the stage reached before. */
  held: boolean;
  cancelled: boolean;
}

const reopened: Lifecycle = { stage: 'draft', held: false, cancelled: false };

function advance(state: Lifecycle, proposed: OrderStatus): Lifecycle {
  // Only the ERP sets an order back to draft after cancelling it (Odoo's "set to quotation").
  if (state.cancelled) return proposed === 'draft' ? reopened : state;
  if (proposed === 'cancelled') return { ...state, cancelled: true };
  if (proposed === 'on_hold')
    return { ...state, held: stageOf(state.stage) < stageOf('shipped') || state.held };
  const stage = stageOf(proposed) > stageOf(state.stage) ? proposed : state.stage;
  return { stage, held: false, cancelled: false };
}

/**
 * The status an order has after these statuses, oldest first, were proposed for it (by the ERP's
 * syncs and by the flows): forward along the stages only, except into a hold before shipping and
 * out of it again, and into `cancelled`, which only a reopening (back to draft) leaves.
 */
export function settledOrderStatus(proposals: OrderStatus[]): OrderStatus {
  const state = proposals.reduce(advance, reopened);
  if (state.cancelled) return 'cancelled';
  return state.held ? 'on_hold' : state.stage;
}

const isOrderStatus = (value: string): value is OrderStatus =>
  (salesOrderStatuses as readonly string[]).includes(value);

/** Every status the golden order has had, oldest first, from its change log. */
async function statusHistory(db: Queryable, orderId: string): Promise<OrderStatus[]> {
  const { rows } = await db.query<{ status: string }>(
    `SELECT body->>'status' AS status FROM change_log
     WHERE canonical_id = $1 AND body->>'status' IS NOT NULL ORDER BY seq`,
    [orderId],
  );
  return rows.map((row) => row.status).filter(isOrderStatus);
}

/**
 * The status to give an order now: every status it has had, then its current one, then the move a
 * flow proposes (shipped on a done delivery, in_production once planned), if any.
 */
export async function nextOrderStatus(
  db: Queryable,
  order: { id: string; status: OrderStatus },
  proposed?: OrderStatus,
): Promise<OrderStatus> {
  const history = await statusHistory(db, order.id);
  return settledOrderStatus([...history, order.status, ...(proposed ? [proposed] : [])]);
}

/**
 * Writes the order's status as the hub, worked out in the writing transaction with the order's
 * row locked: a status settled earlier (by a step whose recorded output a resumed run hands on)
 * would undo a move made meanwhile, e.g. set a shipped order back to confirmed.
 */
export async function writeOrderStatus(
  db: Db,
  write: HubWrite,
  proposed?: OrderStatus,
): Promise<SavedRecord & { status: OrderStatus }> {
  const saved = await patchHubRecord(db, write, async (current, tx) => ({
    status: await nextOrderStatus(tx, { id: write.id, status: current.status as OrderStatus }, proposed),
  }));
  return { ...saved, status: saved.body.status as OrderStatus };
}
