import type { Request } from 'express';
import { z } from 'zod';
import { parseOrThrow } from '../errors/index.ts';

/** One pagination style everywhere: ?limit=&offset=, answered as { items, total, limit, offset }. */
export const pageQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});
export type PageQuery = z.infer<typeof pageQuerySchema>;

export function parseQuery<S extends z.ZodType>(schema: S, req: Request): z.output<S> {
  return parseOrThrow(schema, req.query, { what: 'query' });
}

export function parseBody<S extends z.ZodType>(schema: S, req: Request): z.output<S> {
  return parseOrThrow(schema, req.body ?? {}, { what: 'body' });
}

export function paged<T>(items: T[], total: number, page: PageQuery) {
  return { items, total, limit: page.limit, offset: page.offset };
}
