import { Router } from 'express';
import { z } from 'zod';
import { streamsOf } from '../../connector/define.ts';
import { HubError } from '../../errors/index.ts';
import type { Hub } from '../../runtime/hub.ts';
import { getRun, listRuns } from '../../sync/runs.ts';
import { SYNC_RUNS_QUEUE, type SyncRunJob } from '../../sync/sync-jobs.ts';
import { pageQuerySchema, paged, parseBody, parseQuery } from '../validate.ts';

const runFilterSchema = pageQuerySchema.extend({
  connection: z.string().optional(),
  stream: z.string().optional(),
  status: z.enum(['running', 'succeeded', 'partial', 'failed', 'abandoned']).optional(),
});

export function runRoutes(hub: Hub): Router {
  const router = Router();
  router.get('/runs', async (req, res) => {
    const query = parseQuery(runFilterSchema, req);
    const { items, total } = await listRuns(hub.store.db, { connectionId: query.connection, stream: query.stream, status: query.status }, query);
    res.json(paged(items, total, query));
  });
  router.get('/runs/:id', async (req, res) => {
    const run = await getRun(hub.store.db, req.params.id);
    if (!run) throw new HubError('not_found', 'run_not_found', `No sync run ${req.params.id}`);
    res.json(run);
  });
  router.post('/connections/:id/streams/:stream/sync', async (req, res) => {
    const body = parseBody(z.object({ full: z.boolean().default(false) }), req);
    const connection = await hub.store.connections.get(req.params.id);
    const connector = hub.connectors.find(connection.kind);
    if (!streamsOf(connector, connection.config).some((stream) => stream.name === req.params.stream && stream.read)) {
      throw new HubError('not_found', 'unknown_stream', `${connection.kind} connection ${connection.id} has no readable stream "${req.params.stream}"`);
    }
    const job: SyncRunJob = { connectionId: connection.id, stream: req.params.stream, full: body.full, reason: 'api' };
    await hub.queue.add(SYNC_RUNS_QUEUE, 'sync', job);
    res.status(202).json({ queued: true, ...job });
  });
  return router;
}
