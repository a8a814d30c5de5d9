import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { Queue } from 'bullmq';
import { type RequestHandler, Router } from 'express';
import { Redis } from 'ioredis';
import { HubError } from '../../errors/index.ts';
import { CHANGES_QUEUE } from '../../queue/outbox-relay.ts';
import type { Hub } from '../../runtime/hub.ts';
import { accessDenied } from '../../security/access-denied.ts';
import { hasRole } from '../../security/roles.ts';
import { SYNC_RUNS_QUEUE } from '../../sync/sync-jobs.ts';
import { WEBHOOKS_QUEUE } from '../../sync/webhooks.ts';
import { writeQueueName } from '../../sync/write-targets.ts';

export const QUEUE_BOARD_PATH = '/admin/queues';

async function queueNames(hub: Hub): Promise<string[]> {
  const connections = await hub.store.connections.list();
  return [
    SYNC_RUNS_QUEUE,
    WEBHOOKS_QUEUE,
    CHANGES_QUEUE,
    ...connections.map((connection) => writeQueueName(connection.id)),
  ];
}

/**
 * Admins only. The board's own buttons post without our CSRF header, so changing requests must
 * come from this origin (Origin or Referer), on top of the SameSite=Strict session cookie.
 */
export const requireBoardAdmin: RequestHandler = (req, _res, next) => {
  if (!req.principal) throw new HubError('auth', 'unauthenticated', 'Sign in first');
  if (!hasRole(req.principal.role, 'admin'))
    throw accessDenied('role_too_low', `the queue board needs the admin role; you are ${req.principal.role}`);
  if (!['GET', 'HEAD'].includes(req.method) && req.principal.via === 'session') {
    const origin = req.header('origin') ?? req.header('referer') ?? '';
    if (
      !origin.startsWith(`${req.protocol}://${req.get('host')}/`) &&
      origin !== `${req.protocol}://${req.get('host')}`
    ) {
      throw accessDenied(
        'cross_origin_refused',
        'Changing requests to the queue board must come from the hub itself',
      );
    }
  }
  next();
};

/** bull-board on BullMQ; with the in-process queue, a page of counts. */
export function queueBoard(hub: Hub): Router {
  const router = Router();
  if (hub.queue.driver === 'bullmq' && hub.env.REDIS_URL) {
    const adapter = new ExpressAdapter();
    adapter.setBasePath(QUEUE_BOARD_PATH);
    let redis: Redis | undefined;
    const opened = new Map<string, Queue>();
    const board = createBullBoard({
      queues: [],
      serverAdapter: adapter,
      options: { uiConfig: { boardTitle: 'Throughput Hub queues' } },
    });
    router.use(async (_req, _res, next) => {
      redis ??= new Redis(hub.env.REDIS_URL!, { maxRetriesPerRequest: null });
      for (const name of await queueNames(hub))
        if (!opened.has(name)) opened.set(name, new Queue(name, { connection: redis, prefix: 'thub' }));
      board.replaceQueues([...opened.values()].map((queue) => new BullMQAdapter(queue)));
      next();
    });
    router.use(adapter.getRouter());
    return router;
  }
  router.get('/', async (_req, res) => {
    const rows = await Promise.all(
      (await queueNames(hub)).map(async (name) => {
        const counts = await hub.queue.counts(name);
        return `<tr><td>${name}</td>${(['waiting', 'active', 'delayed', 'completed', 'failed'] as const).map((key) => `<td>${counts[key]}</td>`).join('')}</tr>`;
      }),
    );
    res
      .type('html')
      .send(`<!doctype html><html><head><meta charset="utf-8"><title>Queues</title><link rel="stylesheet" href="/api/docs.css"></head><body>
<h1>Queues</h1><p>This hub runs the in-process queue (${hub.queue.driver}); the full queue board needs REDIS_URL (BullMQ).</p>
<table><thead><tr><th>Queue</th><th>waiting</th><th>active</th><th>delayed</th><th>completed</th><th>failed</th></tr></thead><tbody>${rows.join('')}</tbody></table></body></html>`);
  });
  return router;
}
