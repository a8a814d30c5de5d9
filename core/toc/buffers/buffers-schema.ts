import { z } from 'zod';
import { asOfSchema, calendarSchema } from '../calendar.ts';
import { MAX_DAYS, MAX_ITEM_LINES, MAX_ITEMS, MAX_QUANTITY } from '../limits.ts';
import { collectUniqueIds } from './item-ids.ts';
import { knownIsoDateSchema } from './known-dates.ts';

const quantity = z.number().min(0).max(MAX_QUANTITY);
const days = z.number().min(0).max(MAX_DAYS);

const receiptSchema = z.object({ date: knownIsoDateSchema, quantity });

/** true: the whole line is reserved; a number: that much of it is. */
const reservedSchema = z.custom<boolean | number>(
  (value) => typeof value === 'boolean' || (typeof value === 'number' && value >= 0 && value <= MAX_QUANTITY),
  `expected true, false or a reserved quantity from 0 to ${MAX_QUANTITY}`,
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
  dltDays: days,
  leadTimeFactor: quantity,
  variabilityFactor: quantity,
  moq: quantity.default(0),
  orderCycleDays: days.default(0),
  roundingUnit: z.number().positive().max(MAX_QUANTITY).default(1),
  onHand: z.number().min(-MAX_QUANTITY).max(MAX_QUANTITY),
  reservedOutgoing: quantity.default(0),
  incoming: z.array(receiptSchema).max(MAX_ITEM_LINES).default([]),
  demand: z.array(demandLineSchema).max(MAX_ITEM_LINES).default([]),
  inProgress: quantity.default(0),
  spikeHorizonDays: z.number().int().min(0).max(MAX_DAYS).optional(),
  spikeThresholdFactor: quantity.default(0.5),
  qtyMultiple: quantity.optional(),
  multipleTolerancePct: z.number().min(0).max(100).default(0),
  minQty: quantity.default(0),
  zoneOverride: z.object({ red: quantity, yellow: quantity, green: quantity }).optional(),
  method: z.enum(['replenish', 'min_max']).default('replenish'),
});

export const buffersInputSchema = z
  .object({
    asOf: asOfSchema,
    /** Working-day calendar for the DLT and spike windows; calendar days when absent. */
    calendar: calendarSchema.optional(),
    items: z.array(bufferItemSchema).max(MAX_ITEMS),
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
