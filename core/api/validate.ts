import type { Request, RequestHandler } from 'express';
import { z } from 'zod';
import { HubError, parseOrThrow } from '../errors/index.ts';
import { hasUuidForm } from '../model/primitives.ts';
import { unstorableStringPath } from '../sync/failures.ts';
import { type ApiOperation, matchParams } from './openapi/operations.ts';

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

/**
 * Refuses a request whose path parameters, query or JSON body hold a NUL (or a lone surrogate):
 * both are valid JSON and URL text, but PostgreSQL text and jsonb cannot store them. Runs once for
 * every operation, after `authorize` has matched it, so no route has to remember it.
 */
export const refuseUnstorableInput: RequestHandler = (req, res, next) => {
  const operation = res.locals.operation as ApiOperation;
  const parts = {
    path: matchParams(operation.path, `${req.baseUrl}${req.path}`),
    query: req.query,
    body: req.body,
  };
  for (const [where, value] of Object.entries(parts)) {
    const fieldPath = unstorableStringPath(value);
    if (fieldPath === undefined) continue;
    throw new HubError(
      'invalid_data',
      'unstorable_string',
      `${where}: ${fieldPath}: holds a NUL or an unpaired surrogate character`,
      { fieldPath },
    );
  }
  next();
};

export function paged<T>(items: T[], total: number, page: PageQuery) {
  return { items, total, limit: page.limit, offset: page.offset };
}

/**
 * A path id that is not a UUID names nothing: it gets the same not-found answer as an unknown
 * one, instead of reaching the database as a failing uuid cast.
 */
export function uuidParam(value: string, notFound: (id: string) => HubError): string {
  if (!hasUuidForm(value)) throw notFound(value);
  return value;
}
