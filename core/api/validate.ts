import type { Request } from 'express';
import { z } from 'zod';
import { type HubError, parseOrThrow } from '../errors/index.ts';

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

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A path id that is not a UUID names nothing: it gets the same not-found answer as an unknown
 * one, instead of reaching the database as a failing uuid cast.
 */
export function uuidParam(value: string, notFound: (id: string) => HubError): string {
  if (!UUID.test(value)) throw notFound(value);
  return value;
}
