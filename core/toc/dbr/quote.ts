import { z } from 'zod';
import { addDays, asOfSchema, calendarSchema } from '../calendar.ts';
import { defineTocCommand } from '../command.ts';
import { MAX_DAYS, MAX_ORDERS, MAX_QUANTITY } from '../limits.ts';
import { checkUniqueIds } from '../throughput/id-checks.ts';
import { ceilSafe, roundTo } from '../throughput/rounding.ts';
import { laterDate } from './later-date.ts';

const hours = z.number().nonnegative().max(MAX_QUANTITY);
const days = z.number().int().max(MAX_DAYS);

export const quoteInputSchema = z
  .object({
    asOf: asOfSchema,
    calendar: calendarSchema.optional(),
    ccr: z.object({ id: z.string().min(1), hoursPerDay: z.number().positive().max(MAX_QUANTITY) }),
    plannedLoadHours: hours,
    productionBufferDays: days.positive(),
    standardLeadTimeDays: days.nonnegative(),
    ccrPosition: z.enum(['start', 'middle', 'end']),
    newOrders: z.array(z.object({ id: z.string().min(1), ccrHours: hours })).max(MAX_ORDERS),
  })
  .superRefine((input, ctx) => {
    checkUniqueIds(ctx, input.newOrders, 'newOrders');
    checkLoadWithinHorizon(input, ctx);
  });
export type QuoteInput = z.output<typeof quoteInputSchema>;

/** Load dates are counted day by day: the CCR load must end within MAX_DAYS days of asOf. */
function checkLoadWithinHorizon(input: z.output<typeof quoteInputSchema>, ctx: z.RefinementCtx): void {
  const path = firstLoadBeyondHorizon(input);
  if (!path) return;
  const message = `the CCR load would reach beyond ${MAX_DAYS} days at ${input.ccr.hoursPerDay} hours per day`;
  ctx.addIssue({ code: 'custom', path, message });
}

function firstLoadBeyondHorizon(
  input: z.output<typeof quoteInputSchema>,
): Array<string | number> | undefined {
  const beyond = (load: number) => load / input.ccr.hoursPerDay > MAX_DAYS;
  let load = input.plannedLoadHours;
  if (beyond(load)) return ['plannedLoadHours'];
  for (const [index, order] of input.newOrders.entries()) {
    load += order.ccrHours;
    if (beyond(load)) return ['newOrders', index, 'ccrHours'];
  }
  return undefined;
}

// Tenths of the buffer that lie after the CCR: a CCR near the start leaves most of the route after it.
const tenthsAfterCcr = { start: 8, middle: 5, end: 2 } as const;

/** Whole days for `tenths`/10 of the buffer, rounded up: the safe side both ways. */
function bufferShare(bufferDays: number, tenths: number): number {
  return Math.ceil((bufferDays * tenths) / 10);
}

/**
 * S-DBR promise dates: each order is quoted against the CCR's planned load, then its hours join
 * that load before the next order is quoted.
 */
export function quoteOrders(input: QuoteInput) {
  const { asOf, calendar, ccr, productionBufferDays: buffer } = input;
  const after = tenthsAfterCcr[input.ccrPosition];
  const safeOffset = bufferShare(buffer, after);
  const releaseOffset = bufferShare(buffer, 10 - after);
  const standardDate = addDays(asOf, input.standardLeadTimeDays, calendar);
  const loadDate = (hours: number) => addDays(asOf, ceilSafe(hours / ccr.hoursPerDay), calendar);
  let load = input.plannedLoadHours;
  const orders = input.newOrders.map((order) => {
    const plannedLoadDate = loadDate(load);
    const safeDate = addDays(plannedLoadDate, safeOffset, calendar);
    const quotedDate = laterDate(safeDate, standardDate);
    const release =
      quotedDate > safeDate
        ? addDays(quotedDate, -buffer, calendar)
        : addDays(plannedLoadDate, -releaseOffset, calendar);
    load += order.ccrHours;
    return {
      id: order.id,
      plannedLoadDate,
      safeDate,
      quotedDate,
      releaseDate: laterDate(release, asOf),
      plannedLoadDateAfter: loadDate(load),
    };
  });
  return { ccr: ccr.id, orders, plannedLoadHoursAfter: roundTo(load) };
}

export const quoteCommand = defineTocCommand({
  name: 'quote',
  summary: 'S-DBR safe promise dates and release dates from the CCR planned load',
  input: quoteInputSchema,
  run: quoteOrders,
});
