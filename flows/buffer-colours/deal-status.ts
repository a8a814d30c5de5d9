import { z } from 'zod';
import { defineFlow } from '../../core/flow/define.ts';
import type { Queryable } from '../../core/store/db.ts';
import { loadEntity, type Skipped, today } from '../../core/toc/services/load.ts';
import { measureDueRecords } from '../../core/toc/services/time-buffer-board.ts';
import type { BufferColor } from '../../core/toc/time-buffers/time-buffers.ts';
import { productionTimeBuffer, saveAndWriteChanged } from './changed-colours.ts';

const SOURCE = 'flow:deal-buffer-status';

/** Orders the customer still waits for: their buffer runs toward the promise date. */
const openStatuses = new Set(['confirmed', 'in_production', 'on_hold']);

/** The open orders of won deals that carry a promise date, as the time-buffer engine measures them. */
async function promisedDealOrders(db: Queryable, skipped: Skipped[]) {
  const orders = await loadEntity(db, 'sales_order', skipped);
  return orders.flatMap(({ id, body }) =>
    openStatuses.has(body.status) && body.opportunityId && body.promiseDate
      ? [{ id, number: body.number, dueDate: body.promiseDate, opportunityId: body.opportunityId }]
      : [],
  );
}

/** Each deal's colour now: that of its open order, the worst when it has several. */
async function dealColours(db: Queryable, asOf: string, skipped: Skipped[]) {
  const params = await productionTimeBuffer(db, asOf);
  const orders = await promisedDealOrders(db, skipped);
  const { result, refs } = await measureDueRecords(db, params, 'sales_order', orders, skipped);
  const dealOf = new Map(orders.map((order) => [order.id, order.opportunityId]));
  const colours = new Map<string, BufferColor>();
  // The engine sorts for dispatch, the most urgent first: a deal's first order is its worst.
  for (const order of result.orders) {
    const deal = dealOf.get(refs[order.id]!)!;
    if (!colours.has(deal)) colours.set(deal, order.color);
  }
  return { bufferDays: params.bufferDays, colours };
}

/**
 * The deals whose buffer status differs from the colour of their order now; a deal none of whose
 * orders is open any more (shipped, cancelled) or promised loses the status it had.
 */
async function measureDeals(db: Queryable, asOf: string) {
  const skipped: Skipped[] = [];
  const { bufferDays, colours } = await dealColours(db, asOf, skipped);
  const deals = await loadEntity(db, 'opportunity', skipped);
  const changes = deals.flatMap((deal) => {
    const was = deal.body.bufferStatus ?? null;
    const bufferStatus = colours.get(deal.id) ?? null;
    return was === bufferStatus ? [] : [{ opportunityId: deal.id, was, bufferStatus }];
  });
  return { asOf, bufferDays, changes, skipped };
}

/**
 * How far each won deal's order has eaten into its time buffer toward the promise date, measured
 * every hour as the calendar moves, to the CRM's buffer-status field, where it changed.
 */
export const dealBufferStatus = defineFlow({
  name: 'deal-buffer-status',
  summary:
    "Time-buffer colour of each won deal's open order toward its promise date, every hour → CRM, where it changed",
  trigger: { kind: 'cron', cron: '0 * * * *' },
  writesTo: ['crm'],
  settings: z.object({}),
})
  .step('measure', async ({ hub }) => measureDeals(hub.store.db, today()))
  .step('recolour', async ({ hub, outputs }) => {
    const changes = outputs.measure.changes.map((change) => ({
      id: change.opportunityId,
      patch: { bufferStatus: change.bufferStatus ?? undefined },
    }));
    const target = { role: 'crm', entity: 'opportunity', source: SOURCE, field: 'bufferStatus' } as const;
    return { crmOpportunities: await saveAndWriteChanged(hub, target, changes) };
  })
  .build();
