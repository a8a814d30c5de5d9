import type { z } from 'zod';

/**
 * Cross-record checks for TOC inputs, used inside zod `superRefine` so that the error names the
 * exact field path (e.g. `orders.3.item`) like any other validation error.
 */
export function checkUniqueIds(
  ctx: z.RefinementCtx,
  records: ReadonlyArray<{ id: string }>,
  listPath: string,
): void {
  const seen = new Set<string>();
  records.forEach((record, index) => {
    if (seen.has(record.id)) {
      ctx.addIssue({ code: 'custom', path: [listPath, index, 'id'], message: `duplicate id "${record.id}"` });
    }
    seen.add(record.id);
  });
}

/** Adds an issue at `path` when `id` is not one of `known`; `what` names the referenced list. */
export function checkReference(
  ctx: z.RefinementCtx,
  known: ReadonlySet<string>,
  id: string,
  path: Array<string | number>,
  what: string,
): void {
  if (!known.has(id)) ctx.addIssue({ code: 'custom', path, message: `unknown ${what} "${id}"` });
}

export function idSet(records: ReadonlyArray<{ id: string }>): Set<string> {
  return new Set(records.map((record) => record.id));
}

/** Code-point order, so ties break the same way on every machine and locale. */
export function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
