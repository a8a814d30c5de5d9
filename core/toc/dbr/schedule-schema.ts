import { z } from 'zod';
import { calendarSchema, isoDateSchema } from '../calendar.ts';
import { checkReference, checkUniqueIds, idSet } from '../throughput/id-checks.ts';

const minutes = z.number().finite().nonnegative();

export const scheduleInputSchema = z
  .object({
    asOf: isoDateSchema,
    calendar: calendarSchema.optional(),
    resources: z
      .array(z.object({ id: z.string().min(1), minutesPerDay: z.number().finite().positive() }))
      .min(1),
    items: z.array(
      z.object({
        id: z.string().min(1),
        routing: z.array(
          z.object({ resource: z.string().min(1), setupMinutes: minutes, minutesPerUnit: minutes }),
        ),
      }),
    ),
    orders: z.array(
      z.object({
        id: z.string().min(1),
        item: z.string().min(1),
        quantity: z.number().finite().positive(),
        dueDate: isoDateSchema,
      }),
    ),
    shippingBufferDays: z.number().int().nonnegative(),
    constraintBufferDays: z.number().int().nonnegative(),
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
    });
    if (input.constraint !== undefined) {
      checkReference(ctx, resourceIds, input.constraint, ['constraint'], 'resource');
    }
  });

export type ScheduleInput = z.output<typeof scheduleInputSchema>;
