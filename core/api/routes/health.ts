import { Router } from 'express';
import { registry } from '../../log/metrics.ts';
import type { Hub } from '../../runtime/hub.ts';

export function healthRoutes(hub: Hub): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    const [store, queue] = await Promise.all([
      hub.store.db.query('SELECT 1').then(
        () => true,
        () => false,
      ),
      hub.queue.ping().catch(() => false),
    ]);
    const ready = store && queue;
    res.status(ready ? 200 : 503).json({
      status: ready ? 'ready' : 'not_ready',
      store: { driver: hub.store.db.driver, ok: store },
      queue: { driver: hub.queue.driver, ok: queue },
    });
  });
  router.get('/metrics', async (_req, res) => {
    res.setHeader('Content-Type', registry.contentType);
    res.send(await registry.metrics());
  });
  return router;
}
