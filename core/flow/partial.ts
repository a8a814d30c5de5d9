import { z } from 'zod';

// Ids often come from record bodies, where some systems use numbers (Odoo): kept as text. A report
// is made after the step's work took effect, so an odd value is written down, never refused.
const text = z
  .unknown()
  .transform((value) => (typeof value === 'string' ? value : String(JSON.stringify(value))));

const undoneSchema = z.object({
  entity: text,
  id: text,
  /** Names the record as people know it (SKU, order number) and why it was left. */
  reason: text,
});
/** A record a step left undone while the rest of its work took effect, and why. */
export interface LeftUndone {
  entity: string;
  id: string | number;
  reason: string;
}

const shortfallSchema = z.object({ summary: z.string(), undone: z.array(undoneSchema) });
/** What one step of a run left undone: kept in the run's context as `partial`, by step. */
export type Shortfall = z.output<typeof shortfallSchema>;
export type Shortfalls = Record<string, Shortfall>;

const unreadable = (report: unknown): Shortfall => ({
  summary: `a report that could not be read: ${JSON.stringify(report)}`,
  undone: [],
});

/**
 * The shortfalls a run's context holds: those of its steps that took effect in an earlier attempt.
 * A report that cannot be read still counts, so the run does not end as if nothing was left undone.
 */
export function recordedShortfalls(context: Record<string, unknown>): Shortfalls {
  const { partial } = context;
  if (typeof partial !== 'object' || partial === null || Array.isArray(partial)) return {};
  return Object.fromEntries(
    Object.entries(partial).map(([step, report]) => {
      const parsed = shortfallSchema.safeParse(report);
      return [step, parsed.success ? parsed.data : unreadable(report)];
    }),
  );
}

/** A step that reports more than once in one attempt: its summaries joined, its records together. */
export function addShortfall(
  earlier: Shortfall | undefined,
  summary: string,
  undone: LeftUndone[],
): Shortfall {
  const checked = z.array(undoneSchema).parse(undone);
  if (!earlier) return { summary, undone: checked };
  return { summary: `${earlier.summary}; ${summary}`, undone: [...earlier.undone, ...checked] };
}
