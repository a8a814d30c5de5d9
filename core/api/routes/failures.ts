import { Router } from 'express';
import { z } from 'zod';
import { HubError } from '../../errors/index.ts';
import type { Hub } from '../../runtime/hub.ts';
import { errorClassAdvice, errorClasses } from '../../sync/error-class.ts';
import { failureCounts, getFailure, ignoreFailure, listFailures } from '../../sync/failures.ts';
import { replayFailure, replayMatching } from '../../sync/replay.ts';
import { paged, pageQuerySchema, parseBody, parseQuery, uuidParam } from '../validate.ts';

const filterFields = {
  connection: z.string().optional(),
  stream: z.string().optional(),
  state: z.enum(['open', 'replayed', 'resolved', 'ignored']).optional(),
  errorClass: z.enum(errorClasses).optional(),
  text: z.string().optional(),
};
const failureQuerySchema = pageQuerySchema.extend(filterFields);

const toFilter = (query: {
  connection?: string;
  stream?: string;
  state?: 'open' | 'replayed' | 'resolved' | 'ignored';
  errorClass?: string;
  text?: string;
}) => ({
  connectionId: query.connection,
  stream: query.stream,
  state: query.state,
  errorClass: query.errorClass,
  text: query.text,
});

const failureNotFound = (id: string) =>
  new HubError('not_found', 'failure_not_found', `No failed sync ${id}`);

async function requireFailure(hub: Hub, id: string) {
  const failure = await getFailure(hub.store.db, uuidParam(id, failureNotFound));
  if (!failure) throw failureNotFound(id);
  return failure;
}

export function failureRoutes(hub: Hub): Router {
  const router = Router();
  router.get('/failures', async (req, res) => {
    const query = parseQuery(failureQuerySchema, req);
    const { items, total } = await listFailures(hub.store.db, toFilter(query), query);
    res.json({ ...paged(items, total, query), counts: await failureCounts(hub.store.db) });
  });
  router.get('/failures/:id', async (req, res) => {
    const failure = await requireFailure(hub, req.params.id);
    res.json({ ...failure, advice: errorClassAdvice[failure.errorClass] });
  });
  router.post('/failures/replay', async (req, res) => {
    // A misspelt field must not widen the filter to every failure: unknown fields are refused.
    const filter = parseBody(z.strictObject(filterFields), req);
    res.json(await replayMatching(hub, toFilter(filter)));
  });
  router.post('/failures/:id/replay', async (req, res) => {
    res.json(await replayFailure(hub, uuidParam(req.params.id, failureNotFound)));
  });
  // Only a failure still failing is ignored: a resolved one keeps the fact that it was resolved.
  router.post('/failures/:id/ignore', async (req, res) => {
    const id = uuidParam(req.params.id, failureNotFound);
    const state = await ignoreFailure(hub.store.db, id);
    if (!state) throw failureNotFound(id);
    if (state === 'resolved')
      throw new HubError(
        'conflict',
        'failure_resolved',
        `Failed sync ${id} is already resolved: there is nothing to ignore`,
      );
    res.json({ id, state });
  });
  return router;
}
