import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';
import { logger } from '../../log/logger.ts';
import { httpRequests } from '../../log/metrics.ts';

declare global {
  namespace Express {
    interface Request {
      id: string;
    }
  }
}

/** Tags each request with an id (kept from X-Request-Id when given) and logs it when it ends. */
export const requestId: RequestHandler = (req, res, next) => {
  const given = req.header('x-request-id');
  req.id = given && /^[\w-]{1,64}$/.test(given) ? given : randomUUID();
  res.setHeader('X-Request-Id', req.id);
  const started = performance.now();
  res.on('finish', () => {
    const route = req.route?.path ? `${req.baseUrl}${req.route.path}` : 'unmatched';
    httpRequests.inc({ method: req.method, route, status: String(res.statusCode) });
    logger.http('request', { requestId: req.id, method: req.method, path: req.path, status: res.statusCode, ms: Math.round(performance.now() - started) });
  });
  next();
};
