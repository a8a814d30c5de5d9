import express, { type RequestHandler } from 'express';
import type { Hub } from '../../runtime/hub.ts';
import { acceptWebhook } from '../../sync/webhooks.ts';
import { errorHandler } from '../middleware/errors.ts';
import { tagRequest } from '../middleware/request-id.ts';

const WEBHOOK_PATH = /^\/webhooks\/([^/?#]+)\/?(?:\?.*)?$/i;
const ROUTE = '/webhooks/:connectionId';
// Every body, also one sent without a Content-Type ('*/*' passes those over): the signature covers it.
const readRawBody = express.raw({ type: () => true, limit: '5mb' });

function decodedParam(raw: string): string | undefined {
  try {
    return decodeURIComponent(raw);
  } catch {
    return undefined;
  }
}

/**
 * POST /webhooks/:connectionId: verified by the connector, stored, answered 202 at once. It runs
 * before the API's middleware and answers on its own: its only clients are vendors' servers, for
 * which browser security headers and the API's routers are cost without use, at hundreds of events
 * a second. Errors leave in the API's error format.
 */
export function webhookIntake(hub: Hub): RequestHandler {
  return (req, res, next) => {
    const match = req.method === 'POST' ? WEBHOOK_PATH.exec(req.url) : null;
    const connectionId = match ? decodedParam(match[1]!) : undefined;
    if (connectionId === undefined) return next();
    tagRequest(req, res, () => ROUTE);
    const fail = (error: unknown) => errorHandler(error, req, res, next);
    readRawBody(req, res, (parseError?: unknown) => {
      if (parseError) return fail(parseError);
      const rawBody = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      let body: unknown = null;
      try {
        body = rawBody.length ? JSON.parse(rawBody.toString('utf8')) : null;
      } catch {
        body = rawBody.toString('utf8');
      }
      acceptWebhook(hub, connectionId, {
        headers: req.headers,
        rawBody,
        body,
        url: `${req.protocol}://${req.get('host')}${req.originalUrl}`,
        method: req.method,
      }).then((result) => {
        res.writeHead(202, { 'content-type': 'application/json; charset=utf-8' });
        res.end(JSON.stringify(result));
      }, fail);
    });
  };
}
