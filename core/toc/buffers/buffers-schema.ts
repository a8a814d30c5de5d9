import { z } from 'zod';
import { calendarSchema, isoDateSchema } from '../calendar.ts';

const quantity = z.number().min(0);

const receiptSchema = z.object({ date: isoDateSchema, quantity });

const demandLineSchema = z
  .object({
    date: isoDateSchema,
    quantity,
    reserved: z.union([z.boolean(), quantity]).optional(),
  })
  .refine((line) => typeof line.reserved !== 'number' || line.reserved <= line.quantity, {
    message: 'reserved quantity exceeds the demand quantity',
    path: ['reserved'],
  });

const bufferItemSchema = z.object({
  id: z.string().min(1),
  adu: quantity,
  dltDays: quantity,
  leadTimeFactor: quantity,
  variabilityFactor: quantity,
  moq: quantity.default(0),
  orderCycleDays: quantity.default(0),
  roundingUnit: z.number().positive().default(1),
  onHand: z.number(),
  reservedOutgoing: quantity.default(0),
  incoming: z.array(receiptSchema).default([]),
  demand: z.array(demandLineSchema).default([]),
  inProgress: quantity.default(0),
  spikeHorizonDays: z.number().int().min(0).optional(),
  spikeThresholdFactor: quantity.default(0.5),
  qtyMultiple: quantity.optional(),
  multipleTolerancePct: z.number().min(0).max(100).default(0),
  minQty: quantity.default(0),
  zoneOverride: z.object({ red: quantity, yellow: quantity, green: quantity }).optional(),
  method: z.enum(['replenish', 'min_max']).default('replenish'),
});

export const buffersInputSchema = z
  .object({
    asOf: isoDateSchema,
    /** Working-day calendar for the DLT and spike windows; calendar days when absent. */
    calendar: calendarSchema.optional(),
    items: z.array(bufferItemSchema),
  })
  .superRefine((input, ctx) => {
    const seen = new Set<string>();
    input.items.forEach((item, index) => {
      if (seen.has(item.id)) {
        ctx.addIssue({
          code: 'custom',
          path: ['items', index, 'id'],
          message: `duplicate item id "${item.id}"`,
        });
      }
      seen.add(item.id);
    });
  });

export type BuffersInput = z.output<typeof buffersInputSchema>;
export type BufferItem = BuffersInput['items'][number];
