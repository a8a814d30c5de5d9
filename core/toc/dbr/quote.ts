import { z } from 'zod';
import { addDays, calendarSchema, isoDateSchema } from '../calendar.ts';
import { defineTocCommand } from '../command.ts';
import { checkUniqueIds } from '../throughput/id-checks.ts';
import { ceilSafe, roundTo } from '../throughput/rounding.ts';
import { laterDate } from './later-date.ts';

export const quoteInputSchema = z
  .object({
    asOf: isoDateSchema,
    calendar: calendarSchema.optional(),
    ccr: z.object({ id: z.string().min(1), hoursPerDay: z.number().finite().positive() }),
    plannedLoadHours: z.number().finite().nonnegative(),
    productionBufferDays: z.number().int().positive(),
    standardLeadTimeDays: z.number().int().nonnegative(),
    ccrPosition: z.enum(['start', 'middle', 'end']),
    newOrders: z.array(z.object({ id: z.string().min(1), ccrHours: z.number().finite().nonnegative() })),
  })
  .superRefine((input, ctx) => checkUniqueIds(ctx, input.newOrders, 'newOrders'));
export type QuoteInput = z.output<typeof quoteInputSchema>;

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
