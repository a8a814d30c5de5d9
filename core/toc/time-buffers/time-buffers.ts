import { z } from 'zod';
import { asOfSchema, calendarSchema, checkWithinPlanWindow, diffDays, isoDateSchema } from '../calendar.ts';
import { defineTocCommand } from '../command.ts';
import { MAX_DAYS, MAX_ORDERS } from '../limits.ts';
import { checkUniqueIds, compareIds } from '../throughput/id-checks.ts';
import { roundTo } from '../throughput/rounding.ts';

export const timeBuffersInputSchema = z
  .object({
    asOf: asOfSchema,
    calendar: calendarSchema.optional(),
    orders: z
      .array(
        z.object({
          id: z.string().min(1),
          dueDate: isoDateSchema,
          bufferDays: z.number().int().positive().max(MAX_DAYS),
        }),
      )
      .max(MAX_ORDERS),
  })
  .superRefine((input, ctx) => {
    checkUniqueIds(ctx, input.orders, 'orders');
    input.orders.forEach((order, o) => {
      checkWithinPlanWindow(ctx, input.asOf, order.dueDate, ['orders', o, 'dueDate']);
    });
  });
export type TimeBuffersInput = z.output<typeof timeBuffersInputSchema>;

export type BufferColor = 'green' | 'yellow' | 'red' | 'black';
const colorRank: Record<BufferColor, number> = { black: 0, red: 1, yellow: 2, green: 3 };

/**
 * Colour from the consumed part of the buffer, compared in whole numbers so that exactly one
 * third is yellow and exactly two thirds red: consumed/buffer < 1/3 ⇔ 3·consumed < buffer.
 */
export function colorOf(bufferDays: number, remainingDays: number): BufferColor {
  const consumed = bufferDays - remainingDays;
  if (remainingDays < 0) return 'black';
  if (3 * consumed >= 2 * bufferDays) return 'red';
  if (3 * consumed >= bufferDays) return 'yellow';
  return 'green';
}

/** Penetration of each open order's time buffer, sorted for dispatch. */
export function measureTimeBuffers(input: TimeBuffersInput) {
  const orders = input.orders.map((order) => {
    const remainingDays = diffDays(input.asOf, order.dueDate, input.calendar);
    const consumed = order.bufferDays - remainingDays;
    return {
      id: order.id,
      dueDate: order.dueDate,
      bufferDays: order.bufferDays,
      remainingDays,
      penetrationPct: roundTo((consumed / order.bufferDays) * 100),
      color: colorOf(order.bufferDays, remainingDays),
      exact: consumed / order.bufferDays,
    };
  });
  // Black first, latest first; then by penetration, highest first.
  orders.sort(
    (a, b) =>
      colorRank[a.color] - colorRank[b.color] ||
      (a.color === 'black' ? a.remainingDays - b.remainingDays : 0) ||
      b.exact - a.exact ||
      compareIds(a.id, b.id),
  );
  const counts = { black: 0, red: 0, yellow: 0, green: 0 };
  for (const order of orders) counts[order.color] += 1;
  return { asOf: input.asOf, counts, orders: orders.map(({ exact: _exact, ...order }) => order) };
}

export const timeBuffersCommand = defineTocCommand({
  name: 'time-buffers',
  summary: 'Time-buffer penetration and colour of open orders, sorted for dispatch',
  input: timeBuffersInputSchema,
  run: measureTimeBuffers,
});
