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

/**
 * A dependency's check, run at most once at a time: while one is still unanswered (Redis down, its
 * client queueing the PING until it is back), later probes wait on it instead of queueing another,
 * so a long outage leaves one pending check behind, not one per probe.
 */
function singleFlight(check: () => Promise<unknown>): () => Promise<boolean> {
  let pending: Promise<boolean> | undefined;
  return () => {
    pending ??= check()
      .then(
        (value) => value !== false,
        () => false,
      )
      .finally(() => {
        pending = undefined;
      });
    return pending;
  };
}

async function answersWithin(check: () => Promise<boolean>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([check(), timedOut]);
  } finally {
    clearTimeout(timer);
  }
}

export function healthRoutes(hub: HealthChecked, checkMs = READY_CHECK_MS): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  const storeAnswers = singleFlight(() => hub.store.db.query('SELECT 1'));
  const queueAnswers = singleFlight(() => hub.queue.ping());
  router.get('/readyz', async (_req, res) => {
    const [store, queue] = await Promise.all([
      answersWithin(storeAnswers, checkMs),
      answersWithin(queueAnswers, checkMs),
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
