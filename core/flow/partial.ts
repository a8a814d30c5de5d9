import { z } from 'zod';

const undoneSchema = z.object({
  entity: z.string(),
  id: z.string(),
  /** Names the record as people know it (SKU, order number) and why it was left. */
  reason: z.string(),
});
/** A record a step left undone while the rest of its work took effect, and why. */
export type LeftUndone = z.infer<typeof undoneSchema>;

const shortfallSchema = z.object({ summary: z.string(), undone: z.array(undoneSchema) });
/** What one step of a run left undone: kept in the run's context as `partial`, by step. */
export type Shortfall = z.infer<typeof shortfallSchema>;
export type Shortfalls = Record<string, Shortfall>;

const shortfallsSchema = z.record(z.string(), shortfallSchema);

/** The shortfalls a run's context holds: those of its steps that took effect in an earlier attempt. */
export function recordedShortfalls(context: Record<string, unknown>): Shortfalls {
  const parsed = shortfallsSchema.safeParse(context.partial);
  return parsed.success ? parsed.data : {};
}

/** A step that reports more than once in one attempt: its summaries joined, its records together. */
export function addShortfall(
  earlier: Shortfall | undefined,
  summary: string,
  undone: LeftUndone[],
): Shortfall {
  if (!earlier) return { summary, undone: [...undone] };
  return { summary: `${earlier.summary}; ${summary}`, undone: [...earlier.undone, ...undone] };
}
