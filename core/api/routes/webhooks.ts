import express, { Router } from 'express';
import type { Hub } from '../../runtime/hub.ts';
import { acceptWebhook } from '../../sync/webhooks.ts';

/** POST /webhooks/:connectionId: verified by the connector, queued, answered 202 at once. */
export function webhookRoutes(hub: Hub): Router {
  const router = Router();
  router.post('/webhooks/:connectionId', express.raw({ type: '*/*', limit: '5mb' }), async (req, res) => {
    const rawBody = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    let body: unknown = null;
    try {
      body = rawBody.length ? JSON.parse(rawBody.toString('utf8')) : null;
    } catch {
      body = rawBody.toString('utf8');
    }
    const result = await acceptWebhook(hub, req.params.connectionId, {
      headers: req.headers,
      rawBody,
      body,
      url: `${req.protocol}://${req.get('host')}${req.originalUrl}`,
      method: req.method,
    });
    res.status(202).json(result);
  });
  return router;
}
