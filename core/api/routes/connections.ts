import { Router } from 'express';
import { z } from 'zod';
import { secretPaths } from '../../connector/define.ts';
import type { StreamSpec } from '../../connector/types.ts';
import { HubError } from '../../errors/index.ts';
import { takeUpRunsWaitingOn } from '../../flow/service.ts';
import { logger } from '../../log/logger.ts';
import type { Hub } from '../../runtime/hub.ts';
import { getPath } from '../../store/repos/connection-model.ts';
import { type ConnectionView, connectionOptionsSchema } from '../../store/repos/connections.ts';
import { checkConnection } from '../../sync/connection-check.ts';
import { requestRunsAgain } from '../../sync/run-requests.ts';
import { listSchedules, saveSchedule } from '../../sync/schedules.ts';
import { SYNC_RUNS_QUEUE } from '../../sync/sync-jobs.ts';
import { requestDrain, WEBHOOKS_QUEUE } from '../../sync/webhooks.ts';
import { writeQueueName } from '../../sync/write-targets.ts';
import { paged, pageQuerySchema, parseBody, parseQuery } from '../validate.ts';
import { healthOf, noHealth } from './connection-health.ts';
import {
  describeConnector,
  describeStream,
  streamsByConnection,
  streamsOfConnection,
} from './connector-schema.ts';
import { connectionWithReadableStream } from './readable-stream.ts';

const streamNames = (streams: Map<string, StreamSpec[]>) =>
  new Map([...streams].map(([id, specs]) => [id, specs.map((spec) => spec.name)]));

const configSchema = z.record(z.string(), z.unknown());
export const connectionBodySchema = z.object({
  id: z
    .string()
    .regex(
      /^[a-z0-9][a-z0-9_-]{0,62}$/,
      'lowercase letters, digits, - and _, starting with a letter or digit',
    ),
  kind: z.string().min(1),
  name: z.string().min(1).max(200),
  config: configSchema,
  options: connectionOptionsSchema.default({}),
});
export const connectionUpdateSchema = connectionBodySchema.omit({ id: true, kind: true });
export const pauseBodySchema = z.object({
  /** Why, shown with the connection's status (an ERP's maintenance window). */
  reason: z.string().trim().max(500).optional(),
});
export const scheduleBodySchema = z.object({ cron: z.string().min(1), enabled: z.boolean().default(true) });
export const scheduleQuerySchema = z.object({ connection: z.string().optional() });

type StreamView = ReturnType<typeof describeStream>;

/** The connection as the API shows it, with its streams (read from its full config, never shown). */
async function viewOf(hub: Hub, id: string): Promise<ConnectionView & { streams: StreamView[] }> {
  const view = (await hub.store.connections.list()).find((connection) => connection.id === id);
  if (!view) throw new HubError('not_found', 'connection_not_found', `No connection "${id}"`);
  const streams = streamsOfConnection(hub, await hub.store.connections.get(id)).map(describeStream);
  return { ...view, streams };
}

/** A secret left out of an edit keeps its stored value: the form never has it to send back. */
function keepStoredSecrets(
  config: Record<string, unknown>,
  stored: Record<string, unknown>,
  paths: string[],
): Record<string, unknown> {
  const merged = structuredClone(config);
  for (const path of paths) {
    const given = getPath(merged, path);
    const kept = getPath(stored, path);
    if ((given === undefined || given === '') && kept !== undefined) {
      const keys = path.split('.');
      let node = merged;
      for (const key of keys.slice(0, -1)) {
        if (typeof node[key] !== 'object' || node[key] === null) node[key] = {};
        node = node[key] as Record<string, unknown>;
      }
      node[keys[keys.length - 1]!] = kept;
    }
  }
  return merged;
}

/** Jobs of the shared queues name their connection; each connection has a write queue of its own. */
const connectionJobSchema = z.looseObject({ connectionId: z.string() });
const queuesNamingConnections = [SYNC_RUNS_QUEUE, WEBHOOKS_QUEUE];

/** How long a delete waits for its connection's queued jobs to be taken out before it answers. */
export const QUEUED_JOBS_REMOVAL_MS = 3_000;

interface QueuedJobsRemoval {
  removed: number;
  complete: boolean;
  /** Why some may be left: the queue failed, or did not answer in time. */
  error?: string;
}

/**
 * Takes a deleted connection's waiting and delayed jobs out of the queues: writes to it, runs of
 * its streams, drains of its webhooks. One that escapes (running at the time, or queued meanwhile
 * by a worker whose list of connections is a second old) ends as done when it finds the connection
 * gone. So a queue that fails, or does not answer within QUEUED_JOBS_REMOVAL_MS (the BullMQ client
 * waits for Redis as long as it takes), neither undoes the delete nor holds up its answer: it is
 * logged and told in the audit entry. No further queue is cleared after that; the call the queue
 * has not answered yet may still end later.
 */
async function removeQueuedJobs(hub: Hub, connectionId: string): Promise<QueuedJobsRemoval> {
  const ofConnection = (data: unknown) =>
    connectionJobSchema.safeParse(data).data?.connectionId === connectionId;
  let removed = 0;
  let givenUp = false;
  const removal = (async () => {
    removed += await hub.queue.removeWaiting(writeQueueName(connectionId));
    for (const queue of queuesNamingConnections) {
      if (givenUp) return;
      removed += await hub.queue.removeWaiting(queue, ofConnection);
    }
  })();
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timed_out'>((resolve) => {
    timer = setTimeout(() => resolve('timed_out'), QUEUED_JOBS_REMOVAL_MS);
  });
  try {
    if ((await Promise.race([removal, timedOut])) !== 'timed_out') return { removed, complete: true };
    givenUp = true;
    const error = `the queue did not answer within ${QUEUED_JOBS_REMOVAL_MS} ms`;
    logger.warn('could not remove all the queued jobs of a deleted connection in time', {
      connectionId,
      removed,
      error,
    });
    removal.then(
      () =>
        logger.info('the removal of a deleted connection’s queued jobs ended after its delete answered', {
          connectionId,
          removed,
        }),
      (late: unknown) =>
        logger.warn('could not remove the queued jobs of a deleted connection', {
          connectionId,
          error: late,
        }),
    );
    return { removed, complete: false, error };
  } catch (error) {
    logger.warn('could not remove the queued jobs of a deleted connection', { connectionId, removed, error });
    return { removed, complete: false, error: error instanceof Error ? error.message : String(error) };
  } finally {
    clearTimeout(timer);
  }
}

export function connectionRoutes(hub: Hub): Router {
  const router = Router();
  router.get('/connectors', (_req, res) => {
    const items = hub.connectors.list().map(describeConnector);
    res.json({ items, total: items.length, limit: items.length, offset: 0 });
  });
  router.get('/connections', async (req, res) => {
    const page = parseQuery(pageQuerySchema, req);
    const [all, streams] = await Promise.all([hub.store.connections.list(), streamsByConnection(hub)]);
    const health = await healthOf(hub.store.db, streamNames(streams));
    const items = all.slice(page.offset, page.offset + page.limit).map((view) => ({
      ...view,
      streams: (streams.get(view.id) ?? []).map(describeStream),
      health: health.get(view.id) ?? noHealth(),
    }));
    res.json(paged(items, all.length, page));
  });
  router.get('/connections/:id', async (req, res) => {
    const view = await viewOf(hub, req.params.id);
    const streams = new Map([[view.id, view.streams.map((stream) => stream.name)]]);
    const health = (await healthOf(hub.store.db, streams)).get(view.id) ?? noHealth();
    res.json({ ...view, health });
  });
  router.post('/connections', async (req, res) => {
    const body = parseBody(connectionBodySchema, req);
    const connector = hub.connectors.find(body.kind);
    const exists = (await hub.store.connections.list()).some((connection) => connection.id === body.id);
    if (exists)
      throw new HubError('conflict', 'connection_exists', `A connection "${body.id}" already exists`, {
        fieldPath: 'id',
      });
    await hub.store.connections.save(body, connector.configSchema);
    res.locals.auditTarget = body.id;
    res.locals.auditDetails = { kind: body.kind, name: body.name };
    res.status(201).json(await viewOf(hub, body.id));
  });
  router.put('/connections/:id', async (req, res) => {
    const body = parseBody(connectionUpdateSchema, req);
    const stored = await hub.store.connections.get(req.params.id);
    const connector = hub.connectors.find(stored.kind);
    const config = keepStoredSecrets(body.config, stored.config, secretPaths(connector.configSchema));
    await hub.store.connections.save(
      { id: stored.id, kind: stored.kind, name: body.name, config, options: body.options },
      connector.configSchema,
    );
    res.locals.auditDetails = { kind: stored.kind, name: body.name, fields: Object.keys(body.config) };
    res.json(await viewOf(hub, stored.id));
  });
  router.delete('/connections/:id', async (req, res) => {
    const view = await viewOf(hub, req.params.id);
    await hub.store.connections.remove(view.id);
    const queuedJobs = await removeQueuedJobs(hub, view.id);
    res.locals.auditDetails = { kind: view.kind, name: view.name, queuedJobs };
    res.json({ id: view.id, deleted: true });
  });
  router.post('/connections/:id/check', async (req, res) => {
    const connection = await hub.store.connections.get(req.params.id);
    try {
      res.json(await checkConnection(hub, connection, AbortSignal.timeout(30_000)));
    } catch (error) {
      res.json({ ok: false, checks: [{ name: 'check', ok: false, message: (error as Error).message }] });
    }
  });
  router.post('/connections/:id/pause', async (req, res) => {
    const body = parseBody(pauseBodySchema, req);
    const before = await viewOf(hub, req.params.id);
    await hub.store.connections.pause(before.id, body.reason || undefined);
    res.locals.auditDetails = { reason: body.reason ?? null, previousStatus: before.status };
    res.json(await viewOf(hub, before.id));
  });
  // Also on a connection not paused: a resume whose take-up the queue failed can be asked again.
  // The connection is active once resume() commits, whatever the queue does next: the answer and
  // the audit entry say so, with what could not be queued (the sweep drains the waiting events).
  router.post('/connections/:id/resume', async (req, res) => {
    const before = await viewOf(hub, req.params.id);
    await hub.store.connections.resume(before.id);
    const takeUp = await takeUpAfterResume(hub, before.id);
    res.locals.auditDetails = { previousStatus: before.status, ...takeUp };
    res.json({ ...(await viewOf(hub, before.id)), ...takeUp });
  });
  router.get('/schedules', async (req, res) => {
    const query = parseQuery(scheduleQuerySchema, req);
    const items = (await listSchedules(hub.store.db)).filter(
      (schedule) => !query.connection || schedule.connectionId === query.connection,
    );
    res.json({ items, total: items.length, limit: items.length, offset: 0 });
  });
  router.put('/connections/:id/schedules/:stream', async (req, res) => {
    const body = parseBody(scheduleBodySchema, req);
    const connection = await connectionWithReadableStream(hub, req.params.id, req.params.stream);
    const schedule = {
      connectionId: connection.id,
      stream: req.params.stream,
      cron: body.cron,
      enabled: body.enabled,
    };
    await saveSchedule(hub.store.db, schedule);
    res.locals.auditDetails = { cron: body.cron, enabled: body.enabled };
    res.json(schedule);
  });
  return router;
}

/** Queues what a resumed connection left waiting; a queue that fails is reported, not thrown. */
async function takeUpAfterResume(
  hub: Hub,
  connectionId: string,
): Promise<{ runsRequested: string[]; flowRunsTakenUp: number } | { takeUpFailed: string }> {
  try {
    await requestDrain(hub, connectionId);
    const runsRequested = await requestRunsAgain(hub, connectionId);
    return { runsRequested, flowRunsTakenUp: await takeUpRunsWaitingOn(hub, connectionId) };
  } catch (error) {
    logger.warn('resumed connection: its waiting work could not be queued', { connectionId, error });
    return {
      takeUpFailed: `${(error as Error).message}; resume again to queue its waiting runs and webhook events`,
    };
  }
}
