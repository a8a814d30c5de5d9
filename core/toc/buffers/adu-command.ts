import { z } from 'zod';
import { asOfSchema, calendarSchema } from '../calendar.ts';
import { defineTocCommand } from '../command.ts';
import { MAX_DAYS, MAX_ITEM_LINES, MAX_QUANTITY } from '../limits.ts';
import { type AduParameters, computeAdu } from './adu.ts';
import { knownIsoDateSchema } from './known-dates.ts';
import { isAtLeast } from './quantities.ts';

const quantity = z.number().min(0).max(MAX_QUANTITY);
const factor = z.number().min(0).max(1);

export const aduInputSchema = z
  .object({
    asOf: asOfSchema,
    method: z.enum(['past', 'future', 'blended']),
    horizonDays: z.number().int().positive().max(MAX_DAYS),
    pastFactor: factor.optional(),
    futureFactor: factor.optional(),
    /** Count moves to scrap as usage (they are left out by default). */
    includeScrap: z.boolean().default(false),
    /** Where future usage comes from; defaults to the forecast when one is given, else open moves. */
    futureSource: z.enum(['moves', 'forecast']).optional(),
    moves: z
      .array(
        z.object({
          date: knownIsoDateSchema,
          quantity,
          kind: z.enum(['outgoing', 'internal', 'inventory_loss', 'scrap']),
        }),
      )
      .max(MAX_ITEM_LINES)
      .default([]),
    forecast: z
      .array(z.object({ date: knownIsoDateSchema, quantity }))
      .max(MAX_ITEM_LINES)
      .optional(),
    /** Working-day calendar for the windows; calendar days when absent. */
    calendar: calendarSchema.optional(),
  })
  .superRefine((input, ctx) => {
    if (input.futureSource === 'forecast' && !input.forecast) {
      ctx.addIssue({
        code: 'custom',
        path: ['forecast'],
        message: 'required when futureSource is "forecast"',
      });
    }
    if (input.pastFactor !== undefined && input.futureFactor !== undefined) {
      const sum = input.pastFactor + input.futureFactor;
      if (!isAtLeast(sum, 1) || !isAtLeast(1, sum)) {
        const message = `pastFactor and futureFactor must sum to 1 (they sum to ${sum})`;
        ctx.addIssue({ code: 'custom', path: ['futureFactor'], message });
      }
    }
  })
  .transform((input): AduParameters => {
    // Blended weights: 0.5 each by default; one given, the other is its complement.
    const pastFactor = input.pastFactor ?? (input.futureFactor === undefined ? 0.5 : 1 - input.futureFactor);
    return {
      ...input,
      pastFactor,
      futureFactor: input.futureFactor ?? 1 - pastFactor,
      futureSource: input.futureSource ?? (input.forecast ? 'forecast' : 'moves'),
      forecast: input.forecast ?? [],
    };
  });

export const aduCommand = defineTocCommand({
  name: 'adu',
  summary: 'Average daily usage from past moves, future demand or forecast, or a blend of both',
  input: aduInputSchema,
  run: computeAdu,
});
