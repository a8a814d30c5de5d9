import { Router } from 'express';
import type { Hub } from '../../runtime/hub.ts';
import { listTocServices, runTocService } from '../../toc/services/registry.ts';

/**
 * The TOC engines on the synced data: GET /api/toc/services/<name>?asOf=… builds the engine input
 * from the golden records and answers input, result and refs; POST takes the same parameters
 * as JSON (and, for quote, the orders to quote).
 */
export function tocServiceRoutes(hub: Hub): Router {
  const router = Router();
  router.get('/toc/services', (_req, res) => {
    res.json({
      items: listTocServices().map((service) => ({
        name: service.name,
        summary: service.summary,
        engine: service.engine,
      })),
    });
  });
  router.get('/toc/services/:name', async (req, res) => {
    res.json(await runTocService(hub.store.db, req.params.name, req.query));
  });
  router.post('/toc/services/:name', async (req, res) => {
    res.json(await runTocService(hub.store.db, req.params.name, req.body));
  });
  return router;
}
