import { z } from 'zod';
import { HubError } from '../../core/errors/index.ts';
import { defineFlow } from '../../core/flow/define.ts';
import { deterministicId, patchHubRecord, writeHubRecord } from '../../core/flow/golden-writes.ts';
import { loadRecord, triggerRecordId } from '../../core/flow/records.ts';
import { connectionForRole, requireExternalIds, writeOneNow } from '../../core/flow/targets.ts';
import type { Db, Queryable } from '../../core/store/db.ts';
import { externalIdsFor } from '../../core/store/repos/xref.ts';
import { today } from '../../core/toc/services/load.ts';
import { computeQuote } from '../../core/toc/services/quote-board.ts';

const SOURCE = 'flow:lead-to-cash';

/** The hold the credit check sets: `reason` null once it is lifted. */
interface CreditHold {
  reason: string | null;
  at: string;
}

function isOnHold(stored: Record<string, unknown>): boolean {
  return Boolean((stored.hold as CreditHold | undefined)?.reason);
}

/**
 * Approved now (the limit was raised, receivables paid): the earlier hold no longer applies. The
 * hold stays with a null reason rather than being removed: outbound mappings send null but leave an
 * absent field out, so only a null clears the hold the CRM shows (write-back-crm sends it).
 */
function liftHold(db: Db, opportunityId: string) {
  const lifted: CreditHold = { reason: null, at: new Date().toISOString() };
  return patchHubRecord(db, { entity: 'opportunity', id: opportunityId, source: SOURCE }, { hold: lifted });
}

const settings = z.object({
  productionBufferDays: z.number().int().positive().default(10),
  standardLeadTimeDays: z.number().int().nonnegative().default(10),
});
type Settings = z.output<typeof settings>;

interface OrderLine {
  itemId: string;
  quantity: number;
  uom: string;
  unitPriceMinor?: number;
}

/** What load-opportunity makes of the won opportunity: the order to place. */
interface OrderToPlace {
  opportunityId: string;
  customerId: string;
  currency: string;
  lines: OrderLine[];
}

/** The DBR quote for the order's lines as of today: its promise date, and when to release it. */
async function quotePromise(db: Db, settings: Settings, runKey: string, lines: OrderLine[]) {
  const asOf = today();
  const { result } = await computeQuote(db, {
    asOf,
    productionBufferDays: settings.productionBufferDays,
    standardLeadTimeDays: settings.standardLeadTimeDays,
    orders: [{ id: runKey, lines }],
  });
  const quoted = result.orders[0]!;
  return { asOf, promiseDate: quoted.quotedDate, releaseDate: quoted.releaseDate, ccr: result.ccr };
}

/** The sales order the hub authors for the won opportunity, dated the day it was quoted. */
function newSalesOrder(order: OrderToPlace, quote: { asOf: string; promiseDate: string }) {
  return {
    customerId: order.customerId,
    status: 'confirmed',
    orderDate: quote.asOf,
    promiseDate: quote.promiseDate,
    currency: order.currency,
    opportunityId: order.opportunityId,
    lines: order.lines.map((line, index) => ({
      lineNo: index + 1,
      itemId: line.itemId,
      quantity: { value: line.quantity, uom: line.uom },
      ...(line.unitPriceMinor === undefined
        ? {}
        : { unitPrice: { amountMinor: line.unitPriceMinor, currency: order.currency } }),
      dueDate: quote.promiseDate,
    })),
  };
}

/**
 * The order as the opportunity shows it, worked out with the opportunity's row locked: the order's
 * own promise date, and its ERP number once that has synced in. Until then the ERP's id of the
 * order stands in, but never over a number the opportunity shows already: order-status writes the
 * real one, and this step may run again after it (a failed run that goes on later).
 */
async function orderOnOpportunity(
  tx: Queryable,
  opportunity: Record<string, unknown>,
  salesOrderId: string,
  erpOrderId: string,
): Promise<Record<string, unknown>> {
  const order = (await loadRecord(tx, 'sales_order', salesOrderId)).body;
  const shown = opportunity.erpOrderNumber;
  const erpOrderNumber = order.number ?? (typeof shown === 'string' && shown !== '' ? shown : erpOrderId);
  return { erpOrderNumber, ...(order.promiseDate ? { promiseDate: order.promiseDate } : {}) };
}

/**
 * A CRM opportunity reaches the won stage → credit check → ERP customer (created when missing)
 * → promise date from the DBR quote → ERP sales order → order id and promise date back to the CRM.
 */
export const leadToCash = defineFlow({
  name: 'lead-to-cash',
  summary: 'Won opportunity → credit check → ERP sales order with a DBR promise date → back to the CRM',
  trigger: { kind: 'change', entities: ['opportunity'], when: (record) => record.body.stage === 'won' },
  writesTo: ['erp', 'crm'],
  settings,
})
  .step('load-opportunity', async ({ hub, run }) => {
    const opportunity = await loadRecord(hub.store.db, 'opportunity', triggerRecordId(run));
    const { body } = opportunity;
    if (body.lines.length === 0)
      throw new HubError(
        'invalid_data',
        'opportunity_without_lines',
        `opportunity ${opportunity.id} has no product lines to order`,
        { fieldPath: 'lines' },
      );
    const currency = body.amount?.currency ?? body.lines.find((line) => line.unitPrice)?.unitPrice?.currency;
    if (!currency)
      throw new HubError(
        'invalid_data',
        'opportunity_without_currency',
        `opportunity ${opportunity.id} has neither an amount nor line prices`,
        { fieldPath: 'amount' },
      );
    const linesTotal = body.lines.reduce(
      (sum, line) => sum + (line.unitPrice?.amountMinor ?? 0) * line.quantity.value,
      0,
    );
    return {
      opportunityId: opportunity.id,
      customerId: body.customerId,
      currency,
      amountMinor: body.amount?.amountMinor ?? Math.round(linesTotal),
      lines: body.lines.map((line) => ({
        itemId: line.itemId,
        quantity: line.quantity.value,
        uom: line.quantity.uom,
        unitPriceMinor: line.unitPrice?.amountMinor,
      })),
    };
  })
  .step('credit-check', async ({ hub, outputs, halt }) => {
    const order = outputs['load-opportunity'];
    const customer = await loadRecord(hub.store.db, 'customer', order.customerId);
    const { creditLimit, openReceivables } = customer.body;
    const exposure = (openReceivables?.amountMinor ?? 0) + order.amountMinor;
    for (const money of [creditLimit, openReceivables]) {
      if (money && money.currency !== order.currency) {
        throw new HubError(
          'invalid_data',
          'currency_mismatch',
          `customer ${customer.id} keeps credit in ${money.currency}, the opportunity is in ${order.currency}`,
          { fieldPath: 'creditLimit.currency' },
        );
      }
    }
    const over = creditLimit !== undefined && exposure > creditLimit.amountMinor;
    const opportunity = await loadRecord(hub.store.db, 'opportunity', order.opportunityId);
    if (over) {
      const reason = `credit hold: open receivables plus this order (${exposure} minor ${order.currency}) exceed the credit limit (${creditLimit.amountMinor})`;
      const saved = await patchHubRecord(
        hub.store.db,
        { entity: 'opportunity', id: order.opportunityId, source: SOURCE },
        { hold: { reason, at: new Date().toISOString() } },
      );
      await writeOneNow(hub, await connectionForRole(hub, 'crm'), 'opportunity', saved.id, saved.version);
      halt(reason);
      return { approved: false, exposureMinor: exposure, creditLimitMinor: creditLimit.amountMinor };
    }
    if (isOnHold(opportunity.stored)) await liftHold(hub.store.db, order.opportunityId);
    return { approved: true, exposureMinor: exposure, creditLimitMinor: creditLimit?.amountMinor ?? null };
  })
  .step('ensure-erp-customer', async ({ hub, outputs }) => {
    const { customerId } = outputs['load-opportunity'];
    const erp = await connectionForRole(hub, 'erp');
    const known = (await externalIdsFor(hub.store.db, 'customer', erp.id, [customerId])).get(customerId);
    if (known) return { erpCustomerId: known, created: false };
    const customer = await loadRecord(hub.store.db, 'customer', customerId);
    return {
      erpCustomerId: await writeOneNow(hub, erp, 'customer', customer.id, customer.version),
      created: true,
    };
  })
  .step('quote-promise-date', async ({ hub, outputs, settings, run }) =>
    quotePromise(hub.store.db, settings, run.key, outputs['load-opportunity'].lines),
  )
  .step('create-erp-order', async ({ hub, outputs, settings, run }) => {
    const order = outputs['load-opportunity'];
    const erp = await connectionForRole(hub, 'erp');
    await requireExternalIds(
      hub,
      erp,
      'item',
      order.lines.map((line) => line.itemId),
    );
    const recorded = outputs['quote-promise-date'];
    // A run that goes on another day (an item reached the ERP only now) quotes again: the order is
    // dated today and must not be promised for what was quoted then, maybe a date now past. A
    // quote recorded before quotes carried their date has no asOf and is made again too.
    const quote =
      recorded.asOf === today() ? recorded : await quotePromise(hub.store.db, settings, run.key, order.lines);
    const salesOrderId = deterministicId(SOURCE, order.opportunityId, 'sales_order');
    // Built once: a replay finds the same record, so its version and idempotency key stay the same.
    const saved = await writeHubRecord(
      hub.store.db,
      { entity: 'sales_order', id: salesOrderId, source: SOURCE },
      (current) => current ?? newSalesOrder(order, quote),
    );
    const erpOrderId = await writeOneNow(hub, erp, 'sales_order', salesOrderId, saved.version);
    return { salesOrderId, erpOrderId, promiseDate: saved.body.promiseDate };
  })
  .step('write-back-crm', async ({ hub, outputs }) => {
    const { opportunityId } = outputs['load-opportunity'];
    const { salesOrderId, erpOrderId } = outputs['create-erp-order'];
    const saved = await patchHubRecord(
      hub.store.db,
      { entity: 'opportunity', id: opportunityId, source: SOURCE },
      (opportunity, tx) => orderOnOpportunity(tx, opportunity, salesOrderId, erpOrderId),
    );
    const crmId = await writeOneNow(
      hub,
      await connectionForRole(hub, 'crm'),
      'opportunity',
      saved.id,
      saved.version,
    );
    const { erpOrderNumber, promiseDate } = saved.body;
    return { crmOpportunityId: crmId, erpOrderNumber, promiseDate };
  })
  .build();
