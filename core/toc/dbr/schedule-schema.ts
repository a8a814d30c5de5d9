import { z } from 'zod';
import { asOfSchema, calendarSchema, checkWithinPlanWindow, isoDateSchema } from '../calendar.ts';
import {
  MAX_DAYS,
  MAX_ITEMS,
  MAX_MINUTES,
  MAX_ORDERS,
  MAX_QUANTITY,
  MAX_RECORD_LINES,
  MAX_WORK_CENTERS,
} from '../limits.ts';
import { checkReference, checkUniqueIds, idSet } from '../throughput/id-checks.ts';

const minutes = z.number().nonnegative().max(MAX_MINUTES);
const days = z.number().int().nonnegative().max(MAX_DAYS);

export const scheduleInputSchema = z
  .object({
    asOf: asOfSchema,
    calendar: calendarSchema.optional(),
    resources: z
      .array(z.object({ id: z.string().min(1), minutesPerDay: z.number().positive().max(MAX_MINUTES) }))
      .min(1)
      .max(MAX_WORK_CENTERS),
    items: z
      .array(
        z.object({
          id: z.string().min(1),
          routing: z
            .array(z.object({ resource: z.string().min(1), setupMinutes: minutes, minutesPerUnit: minutes }))
            .max(MAX_RECORD_LINES),
        }),
      )
      .max(MAX_ITEMS),
    orders: z
      .array(
        z.object({
          id: z.string().min(1),
          item: z.string().min(1),
          quantity: z.number().positive().max(MAX_QUANTITY),
          dueDate: isoDateSchema,
        }),
      )
      .max(MAX_ORDERS),
    shippingBufferDays: days,
    constraintBufferDays: days,
    constraint: z.string().min(1).optional(),
  })
  .superRefine((input, ctx) => {
    checkUniqueIds(ctx, input.resources, 'resources');
    checkUniqueIds(ctx, input.items, 'items');
    checkUniqueIds(ctx, input.orders, 'orders');
    const resourceIds = idSet(input.resources);
    const itemIds = idSet(input.items);
    input.items.forEach((item, i) => {
      item.routing.forEach((step, s) => {
        checkReference(ctx, resourceIds, step.resource, ['items', i, 'routing', s, 'resource'], 'resource');
      });
    });
    input.orders.forEach((order, o) => {
      checkReference(ctx, itemIds, order.item, ['orders', o, 'item'], 'item');
      checkWithinPlanWindow(ctx, input.asOf, order.dueDate, ['orders', o, 'dueDate']);
    });
    if (input.constraint !== undefined) {
      checkReference(ctx, resourceIds, input.constraint, ['constraint'], 'resource');
    }
  });

export type ScheduleInput = z.output<typeof scheduleInputSchema>;
