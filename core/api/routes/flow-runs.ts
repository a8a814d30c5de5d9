import { Router } from 'express';
import { z } from 'zod';
import { HubError } from '../../errors/index.ts';
import { listAlerts } from '../../flow/alerts.ts';
import { describeFlow, findFlow, listFlows } from '../../flow/catalog.ts';
import { listRuns, runStatuses } from '../../flow/run-store.ts';
import { replayFlowRun, viewRun } from '../../flow/runner.ts';
// Importing the flow service registers the flow triggers and the worker consumer in this process.
import { runFlowNow } from '../../flow/service.ts';
import { loadFlowSettings, saveFlowSettings } from '../../flow/settings.ts';
import type { Hub } from '../../runtime/hub.ts';
import { paged, pageQuerySchema, parseBody, parseQuery, uuidParam } from '../validate.ts';

export const runQuerySchema = pageQuerySchema.extend({
  flow: z.string().optional(),
  status: z.enum(runStatuses).optional(),
});
export const alertQuerySchema = pageQuerySchema.extend({
  flow: z.string().optional(),
  level: z.enum(['green', 'yellow', 'red']).optional(),
});
export const runBodySchema = z.object({
  recordId: z.uuid().optional(),
  key: z.string().min(1).optional(),
  payload: z.unknown().optional(),
});
export const settingsBodySchema = z.object({
  enabled: z.boolean().optional(),
  settings: z.record(z.string(), z.unknown()).optional(),
});

export const flowRunNotFound = (id: string) =>
  new HubError('not_found', 'flow_run_not_found', `No flow run ${id}`);

/** Flows, their runs with step results, replays from the failed step, settings and alerts. */
export function flowRunRoutes(hub: Hub): Router {
  const router = Router();
  router.get('/flows', async (_req, res) => {
    const items = [];
    for (const flow of listFlows())
      items.push({ ...describeFlow(flow), ...(await loadFlowSettings(hub.store.db, flow)) });
    res.json({ items });
  });
  router.post('/flows/:name/run', async (req, res) => {
    res.json(await runFlowNow(hub, findFlow(req.params.name), parseBody(runBodySchema, req)));
  });
  router.put('/flows/:name/settings', async (req, res) => {
    res.json(
      await saveFlowSettings(hub.store.db, findFlow(req.params.name), parseBody(settingsBodySchema, req)),
    );
  });
  router.get('/flow-runs', async (req, res) => {
    const query = parseQuery(runQuerySchema, req);
    const { items, total } = await listRuns(hub.store.db, { flow: query.flow, status: query.status }, query);
    res.json(paged(items, total, query));
  });
  router.get('/flow-runs/:id', async (req, res) => {
    res.json(await viewRun(hub, uuidParam(req.params.id, flowRunNotFound)));
  });
  router.post('/flow-runs/:id/replay', async (req, res) => {
    const run = await viewRun(hub, uuidParam(req.params.id, flowRunNotFound));
    res.json(await replayFlowRun(hub, findFlow(run.flow), run.id));
  });
  router.get('/flow-alerts', async (req, res) => {
    const query = parseQuery(alertQuerySchema, req);
    const { items, total } = await listAlerts(hub.store.db, { flow: query.flow, level: query.level }, query);
    res.json(paged(items, total, query));
  });
  return router;
}
