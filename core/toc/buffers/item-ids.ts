import type { z } from 'zod';

/** Flags every repeated `items.N.id` and returns the set of ids, for the input's superRefine. */
export function collectUniqueIds(items: readonly { id: string }[], ctx: z.RefinementCtx): Set<string> {
  const ids = new Set<string>();
  items.forEach((item, index) => {
    if (ids.has(item.id)) {
      ctx.addIssue({
        code: 'custom',
        path: ['items', index, 'id'],
        message: `duplicate item id "${item.id}"`,
      });
    }
    ids.add(item.id);
  });
  return ids;
}
