import { type Request, Router } from 'express';
import { z } from 'zod';
import { HubError } from '../../errors/index.ts';
import {
  approveMatch,
  mergeGoldenRecords,
  rejectMatch,
  unmergeGoldenRecords,
} from '../../mdm/service/index.ts';
import { type MatchRow, matchListSource } from '../../mdm/store/matches.ts';
import type { Hub } from '../../runtime/hub.ts';
import { keysetPage } from '../../store/keyset.ts';
import { goldenByIds } from '../../store/repos/golden.ts';
import { keysetQuerySchema } from '../keyset.ts';
import { parseBody, parseQuery } from '../validate.ts';

export const matchQuerySchema = keysetQuerySchema(z.iso.datetime({ precision: 6 })).safeExtend({
  state: z.enum(['review', 'approved', 'rejected']).optional(),
  entity: z.string().max(64).optional(),
});
export const mergeBodySchema = z.object({ survivorId: z.uuid(), mergedId: z.uuid() });
export const unmergeBodySchema = z.object({ mergeId: z.uuid() });

const actorOf = (req: Request): string => req.principal?.email ?? 'api';

/** Master data: the review queue of likely duplicates, and merges by hand with their undo. */
export function mdmRoutes(hub: Hub): Router {
  const router = Router();
  const db = hub.store.db;
  router.get('/mdm/matches', async (req, res) => {
    const query = parseQuery(matchQuerySchema, req);
    const page = await keysetPage<MatchRow>(db, matchListSource(query), query);
    const items = page.items;
    const golden = await goldenByIds(db, [...new Set(items.flatMap((m) => [m.leftId, m.rightId]))]);
    const show = (id: string) => {
      const record = golden.get(id);
      return record
        ? {
            id,
            displayName: record.displayName,
            naturalKey: record.naturalKey,
            body: record.body,
            mergedInto: record.mergedInto,
          }
        : { id, displayName: null, naturalKey: null, body: null, mergedInto: null };
    };
    res.json({
      ...page,
      items: items.map((match) => ({ ...match, left: show(match.leftId), right: show(match.rightId) })),
    });
  });
  router.post('/mdm/matches/:id/approve', async (req, res) => {
    res.json(await approveMatch(db, matchIdOf(req), actorOf(req)));
  });
  router.post('/mdm/matches/:id/reject', async (req, res) => {
    res.json({ match: await rejectMatch(db, matchIdOf(req), actorOf(req)) });
  });
  router.post('/mdm/merge', async (req, res) => {
    const body = parseBody(mergeBodySchema, req);
    res.locals.auditTarget = body.mergedId;
    res.locals.auditDetails = { survivorId: body.survivorId };
    res.json(await mergeGoldenRecords(db, { ...body, actor: actorOf(req) }));
  });
  router.post('/mdm/unmerge', async (req, res) => {
    const body = parseBody(unmergeBodySchema, req);
    res.locals.auditTarget = body.mergeId;
    res.json(await unmergeGoldenRecords(db, { ...body, actor: actorOf(req) }));
  });
  return router;
}

/** A malformed id names no match: answered like an unknown one. */
function matchIdOf(req: Request): string {
  const id = req.params.id;
  if (!z.uuid().safeParse(id).success) throw new HubError('not_found', 'match_not_found', `No match ${id}`);
  return id as string;
}
