import { z } from 'zod';
import { HubError } from '../../errors/index.ts';
import type { Queryable } from '../../store/db.ts';
import { MAX_ORDERS, MAX_QUANTITY, MAX_RECORD_LINES } from '../limits.ts';
import { roundTo } from '../throughput/rounding.ts';
import { asOfParam, dayCount, defineTocService, positiveDayCount, runEngine } from './define.ts';
import { loadOpenOrderLines } from './demand.ts';
import { loadEntity } from './load.ts';
import { constraintPosition, loadPlant, minutesOn, type Plant } from './plant.ts';

const orderToQuote = z.object({
  id: z.string().min(1),
  lines: z
    .array(z.object({ itemId: z.string().min(1), quantity: z.coerce.number().positive().max(MAX_QUANTITY) }))
    .min(1)
    .max(MAX_RECORD_LINES),
});
export type OrderToQuote = z.output<typeof orderToQuote>;

export const quoteParams = z.object({
  asOf: asOfParam,
  productionBufferDays: positiveDayCount(10),
  standardLeadTimeDays: dayCount(10),
  /** Orders to quote; absent: every open opportunity. */
  orders: z.array(orderToQuote).max(MAX_ORDERS).optional(),
});
export type QuoteParams = z.output<typeof quoteParams>;

export interface QuotedOrder {
  id: string;
  plannedLoadDate: string;
  safeDate: string;
  quotedDate: string;
  releaseDate: string;
}

/** The flagged constraint, else the work center the open orders load most (days of work). */
function findCcr(plant: Plant, lines: Array<{ itemId: string; quantity: number }>) {
  if (plant.flagged) return plant.flagged;
  const days = (centerId: string, minutesPerDay: number) =>
    lines.reduce(
      (sum, line) => sum + minutesOn(plant.routings.get(line.itemId), centerId, line.quantity),
      0,
    ) / minutesPerDay;
  return [...plant.workCenters].sort(
    (a, b) => days(b.id, b.body.minutesPerDay) - days(a.id, a.body.minutesPerDay),
  )[0];
}

/** S-DBR promise dates for `orders` against the constraint's planned load from the open sales orders. */
export async function computeQuote(db: Queryable, params: QuoteParams) {
  const plant = await loadPlant(db);
  const skipped = [...plant.skipped];
  const { lines } = await loadOpenOrderLines(db, skipped);
  const ccr = findCcr(plant, lines);
  if (!ccr)
    throw new HubError(
      'not_found',
      'no_work_centers',
      'No work centers have been synced yet: quoting needs the constraint',
    );
  const orders =
    params.orders ??
    (await loadEntity(db, 'opportunity', skipped))
      .filter((o) => o.body.stage !== 'won' && o.body.stage !== 'lost' && o.body.lines.length > 0)
      .map((o) => ({
        id: plant.labels.label(o.id, o.body.name),
        lines: o.body.lines.map((l) => ({ itemId: l.itemId, quantity: l.quantity.value })),
      }));
  const ccrMinutes = (order: { lines: Array<{ itemId: string; quantity: number }> }) =>
    order.lines.reduce(
      (sum, line) => sum + minutesOn(plant.routings.get(line.itemId), ccr.id, line.quantity),
      0,
    );
  const firstRouting = orders.map((order) => plant.routings.get(order.lines[0]!.itemId)).find(Boolean);
  const input = {
    asOf: params.asOf,
    calendar: { workingWeekdays: ccr.body.calendar.workingWeekdays, holidays: ccr.body.calendar.holidays },
    ccr: { id: plant.labels.label(ccr.id, ccr.body.code), hoursPerDay: ccr.body.minutesPerDay / 60 },
    plannedLoadHours: roundTo(ccrMinutes({ lines }) / 60, 4),
    productionBufferDays: params.productionBufferDays,
    standardLeadTimeDays: params.standardLeadTimeDays,
    ccrPosition: constraintPosition(firstRouting, ccr.id),
    newOrders: orders.map((order) => ({ id: order.id, ccrHours: roundTo(ccrMinutes(order) / 60, 4) })),
  };
  const result = await runEngine<{ ccr: string; orders: QuotedOrder[]; plannedLoadHoursAfter: number }>(
    'quote',
    input,
  );
  return { input, result, refs: plant.labels.refs, skipped };
}

export const quoteService = defineTocService({
  name: 'quote',
  summary: 'Safe promise dates for open opportunities (or given orders) from the constraint load',
  engine: 'quote',
  params: quoteParams,
  async run(db, params) {
    const { input, result, refs, skipped } = await computeQuote(db, params);
    return { asOf: params.asOf, input, result, refs, skipped };
  },
});
