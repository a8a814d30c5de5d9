import { z } from 'zod';
import type { CursorKey } from '../store/keyset.ts';
import { pageQuerySchema } from './validate.ts';

/** A cursor this list handed out: base64url of [sort key, id], the sort key checked by `sortKey`. */
const cursorOf = (sortKey: z.ZodType<string>) =>
  z
    .string()
    .max(16_384)
    .transform((text, ctx): CursorKey => {
      const parsed = z.tuple([sortKey, z.uuid()]).safeParse(decodeJson(text));
      if (parsed.success) return { sortKey: parsed.data[0], id: parsed.data[1] };
      ctx.addIssue({
        code: 'custom',
        message: 'not a cursor of this list: pass a nextCursor or previousCursor it answered, unchanged',
      });
      return z.NEVER;
    });

function decodeJson(text: string): unknown {
  try {
    return JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
}

/**
 * ?limit= rows a page, ?after= / ?before= a cursor to page on from; ?offset= is still taken on its
 * own (a first page further on) but not with a cursor. Lists add their filters with `safeExtend`.
 */
export const keysetQuerySchema = (sortKey: z.ZodType<string>) =>
  z
    .object({
      limit: pageQuerySchema.shape.limit.describe('Rows a page, 1 to 500'),
      offset: pageQuerySchema.shape.offset.describe('Rows to skip to the first page (not with a cursor)'),
      after: cursorOf(sortKey).optional().describe('The nextCursor of the page before: the rows after it'),
      before: cursorOf(sortKey)
        .optional()
        .describe('The previousCursor of the page after: the rows before it'),
    })
    .superRefine((query, ctx) => {
      if (query.after && query.before)
        ctx.addIssue({ code: 'custom', path: ['before'], message: 'give after or before, not both' });
      if ((query.after || query.before) && query.offset > 0)
        ctx.addIssue({ code: 'custom', path: ['offset'], message: 'give offset or a cursor, not both' });
    });
