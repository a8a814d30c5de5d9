import { z } from 'zod';
import { defineTocCommand } from '../command.ts';
import { MAX_DAYS, MAX_QUANTITY } from '../limits.ts';
import { manageTargetLevel } from './dbm.ts';

export const dbmInputSchema = z
  .object({
    targetLevel: z.number().positive().max(MAX_QUANTITY),
    replenishmentDays: z.number().int().min(1).max(MAX_DAYS),
    onHand: z.array(z.number().min(-MAX_QUANTITY).max(MAX_QUANTITY)).min(1).max(MAX_DAYS),
    tmgCheckDays: z.number().int().min(1).max(MAX_DAYS).optional(),
    coolingDays: z.number().int().min(0).max(MAX_DAYS).optional(),
    changeFraction: z
      .number()
      .gt(0)
      .lt(1)
      .default(1 / 3),
  })
  .transform((input) => ({
    ...input,
    tmgCheckDays: input.tmgCheckDays ?? 2 * input.replenishmentDays,
    coolingDays: input.coolingDays ?? input.replenishmentDays,
  }));

export const dbmCommand = defineTocCommand({
  name: 'dbm',
  summary:
    'Dynamic buffer management: Too-Much-Red and Too-Much-Green resizes of a target level over daily on hand',
  input: dbmInputSchema,
  run: manageTargetLevel,
});
