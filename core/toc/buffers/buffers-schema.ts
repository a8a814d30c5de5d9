import { z } from 'zod';
import { calendarSchema, isoDateSchema } from '../calendar.ts';
import { collectUniqueIds } from './item-ids.ts';
import { knownIsoDateSchema } from './known-dates.ts';

const quantity = z.number().min(0);

const receiptSchema = z.object({ date: knownIsoDateSchema, quantity });

/** true: the whole line is reserved; a number: that much of it is. */
const reservedSchema = z.custom<boolean | number>(
  (value) =>
    typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value) && value >= 0),
  'expected true, false or a non-negative reserved quantity',
);

// Plain objects only: a refine per line would double the validation time of a large batch, so
// cross-field checks run once over the whole input below.
const demandLineSchema = z.object({
  date: knownIsoDateSchema,
  quantity,
  reserved: reservedSchema.optional(),
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
    collectUniqueIds(input.items, ctx);
    input.items.forEach((item, index) => {
      item.demand.forEach((line, lineIndex) => {
        if (typeof line.reserved === 'number' && line.reserved > line.quantity) {
          const path = ['items', index, 'demand', lineIndex, 'reserved'];
          ctx.addIssue({ code: 'custom', path, message: 'reserved quantity exceeds the demand quantity' });
        }
      });
    });
  });

export type BuffersInput = z.output<typeof buffersInputSchema>;
export type BufferItem = BuffersInput['items'][number];
