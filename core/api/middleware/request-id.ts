import { randomUUID } from 'node:crypto';
import type { Request, RequestHandler, Response } from 'express';
import { logger } from '../../log/logger.ts';
import { httpRequests } from '../../log/metrics.ts';

declare global {
  namespace Express {
    interface Request {
      id: string;
    }
  }
}

/**
 * Gives the request an id (kept from X-Request-Id when given), answers with it, and counts and
 * logs the request when it ends under the route `routeOf` names then.
 */
export function tagRequest(req: Request, res: Response, routeOf: () => string): void {
  const given = req.headers['x-request-id'];
  req.id = typeof given === 'string' && /^[\w-]{1,64}$/.test(given) ? given : randomUUID();
  res.setHeader('X-Request-Id', req.id);
  const started = performance.now();
  res.on('finish', () => {
    httpRequests.inc({ method: req.method, route: routeOf(), status: String(res.statusCode) });
    logger.http('request', {
      requestId: req.id,
      method: req.method,
      path: req.path,
      status: res.statusCode,
      ms: Math.round(performance.now() - started),
    });
  });
}

/** Tags each request with an id and logs it when it ends. */
export const requestId: RequestHandler = (req, res, next) => {
  tagRequest(req, res, () => (req.route?.path ? `${req.baseUrl}${req.route.path}` : 'unmatched'));
  next();
};
