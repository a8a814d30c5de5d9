import { Router } from 'express';
import { z } from 'zod';
import { HubError } from '../../errors/index.ts';
import type { Hub } from '../../runtime/hub.ts';
import { connectionPaused } from '../../store/repos/connections.ts';
import { abandonUnleasedRuns, getRun, listRuns } from '../../sync/runs.ts';
import { SYNC_RUNS_QUEUE, type SyncRunJob } from '../../sync/sync-jobs.ts';
import { paged, pageQuerySchema, parseBody, parseQuery, uuidParam } from '../validate.ts';
import { connectionWithReadableStream } from './readable-stream.ts';

const runFilterSchema = pageQuerySchema.extend({
  connection: z.string().optional(),
  stream: z.string().optional(),
  status: z.enum(['running', 'succeeded', 'partial', 'failed', 'abandoned']).optional(),
});

const runNotFound = (id: string) => new HubError('not_found', 'run_not_found', `No sync run ${id}`);

export function runRoutes(hub: Hub): Router {
  const router = Router();
  router.get('/runs', async (req, res) => {
    const query = parseQuery(runFilterSchema, req);
    await abandonUnleasedRuns(hub.store.db);
    const { items, total } = await listRuns(
      hub.store.db,
      { connectionId: query.connection, stream: query.stream, status: query.status },
      query,
    );
    res.json(paged(items, total, query));
  });
  router.get('/runs/:id', async (req, res) => {
    const id = uuidParam(req.params.id, runNotFound);
    await abandonUnleasedRuns(hub.store.db);
    const run = await getRun(hub.store.db, id);
    if (!run) throw runNotFound(req.params.id);
    res.json(run);
  });
  router.post('/connections/:id/streams/:stream/sync', async (req, res) => {
    const body = parseBody(z.object({ full: z.boolean().default(false) }), req);
    const connection = await connectionWithReadableStream(hub, req.params.id, req.params.stream);
    // Read fresh, not from a cache: a run asked for right after a resume is not refused.
    const current = await hub.store.connections.statusOf(connection.id);
    if (current?.status === 'disabled') throw connectionPaused(connection.id, current.statusMessage);
    const job: SyncRunJob = {
      connectionId: connection.id,
      stream: req.params.stream,
      full: body.full,
      reason: 'api',
    };
    await hub.queue.add(SYNC_RUNS_QUEUE, 'sync', job);
    res.status(202).json({ queued: true, ...job });
  });
  return router;
}
