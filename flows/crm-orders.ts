import type { Queryable } from '../core/store/db.ts';
import { externalIdsFor } from '../core/store/repos/xref.ts';

/**
 * Whether the CRM knows a sales order or its customer. An order the ERP took for a customer the CRM
 * never had (EDI, counter sales) stays out of the CRM: its write could only wait for an account
 * nobody creates there.
 */
export async function crmKnowsOrder(
  db: Queryable,
  crmId: string,
  order: { id: string; customerId: string },
): Promise<boolean> {
  const [known, customer] = await Promise.all([
    externalIdsFor(db, 'sales_order', crmId, [order.id]),
    externalIdsFor(db, 'customer', crmId, [order.customerId]),
  ]);
  return known.size > 0 || customer.size > 0;
}

/** What a step records (`crmSkipped`) when it leaves an order out of the CRM. */
export const crmSkipReason = (customerId: string) => `the CRM does not know customer ${customerId}`;

/**
 * The fields of a won opportunity that show its ERP order, where they differ from what the
 * opportunity shows now: the ERP's order number, and its promise date, which moves when the ERP
 * reschedules the order and goes (undefined: the field leaves the opportunity) when the ERP drops
 * it. Empty when the opportunity shows the order as it is, so an order change that leaves both
 * alone (or the CRM sending the written values back) writes nothing.
 */
export function orderChangesForOpportunity(
  order: { number?: string; promiseDate?: string },
  opportunity: Record<string, unknown>,
): { erpOrderNumber?: string; promiseDate?: string | undefined } {
  const promiseDate = order.promiseDate || undefined;
  return {
    ...(order.number && order.number !== opportunity.erpOrderNumber ? { erpOrderNumber: order.number } : {}),
    ...(promiseDate !== opportunity.promiseDate ? { promiseDate } : {}),
  };
}
