import { Router } from 'express';
import { registry } from '../../log/metrics.ts';
import type { QueuePort } from '../../queue/port.ts';
import type { Db } from '../../store/db.ts';

/** What the probes look at: the store's connection and the queue's. */
export interface HealthChecked {
  store: { db: Pick<Db, 'query' | 'driver'> };
  queue: Pick<QueuePort, 'ping' | 'driver'>;
}

/**
 * How long readiness waits for each dependency. A Redis client retries a lost connection forever
 * and a busy pool queues the query: without a bound the probe would hang until the caller's own
 * timeout instead of answering 503 with the dependency that is down.
 */
export const READY_CHECK_MS = 2_000;

async function answersWithin(check: () => Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  const answered = check().then(
    (value) => value !== false,
    () => false,
  );
  try {
    return await Promise.race([answered, timedOut]);
  } finally {
    clearTimeout(timer);
  }
}

export function healthRoutes(hub: HealthChecked, checkMs = READY_CHECK_MS): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    const [store, queue] = await Promise.all([
      answersWithin(() => hub.store.db.query('SELECT 1'), checkMs),
      answersWithin(() => hub.queue.ping(), checkMs),
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
