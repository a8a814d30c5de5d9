import { z } from 'zod';

/** Answer shapes shared by many operations. */
export const pageOf = <T extends z.ZodType>(item: T) =>
  z.object({
    items: z.array(item),
    total: z.number().int(),
    limit: z.number().int(),
    offset: z.number().int(),
  });
/** A keyset page: `offset` counts the rows before it; the cursors go in ?after= and ?before=. */
export const keysetPageOf = <T extends z.ZodType>(item: T) =>
  pageOf(item).extend({
    offset: z.number().int().describe('How many rows of the list come before the first one here'),
    nextCursor: z.string().nullable().describe('Pass as ?after= for the next page; null on the last page'),
    previousCursor: z
      .string()
      .nullable()
      .describe('Pass as ?before= for the page before; null on the first page'),
  });
export const anyObject = z.record(z.string(), z.unknown());
export const errorSchema = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.record(z.string(), z.unknown()) }),
});
