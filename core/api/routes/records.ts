import { Router } from 'express';
import { z } from 'zod';
import { HubError } from '../../errors/index.ts';
import { entityNames, isEntityName } from '../../model/index.ts';
import type { Hub } from '../../runtime/hub.ts';
import { changeLogOf, getGolden, searchGolden } from '../../store/repos/golden.ts';
import { xrefsOf } from '../../store/repos/xref.ts';
import { paged, pageQuerySchema, parseQuery } from '../validate.ts';

export const recordQuerySchema = pageQuerySchema.extend({ q: z.string().max(200).optional() });

function entityOf(name: string) {
  if (!isEntityName(name))
    throw new HubError(
      'not_found',
      'unknown_entity',
      `No entity "${name}" (entities: ${entityNames.join(', ')})`,
      { fieldPath: 'entity' },
    );
  return name;
}

/** Golden records: search, and one record with lineage, source records, xrefs, changes and merges. */
export function recordRoutes(hub: Hub): Router {
  const router = Router();
  router.get('/records/:entity', async (req, res) => {
    const entity = entityOf(req.params.entity);
    const query = parseQuery(recordQuerySchema, req);
    const { items, total } = await searchGolden(hub.store.db, {
      entity,
      q: query.q,
      limit: query.limit,
      offset: query.offset,
    });
    res.json(paged(items, total, query));
  });
  router.get('/records/:entity/:id', async (req, res) => {
    const entity = entityOf(req.params.entity);
    if (!z.uuid().safeParse(req.params.id).success)
      throw new HubError('not_found', 'record_not_found', `No ${entity} ${req.params.id}`);
    const record = await getGolden(hub.store.db, req.params.id);
    if (!record || record.entity !== entity)
      throw new HubError('not_found', 'record_not_found', `No ${entity} ${req.params.id}`);
    const db = hub.store.db;
    const [sources, xrefs, history, merges] = await Promise.all([
      db.query(
        `SELECT connection_id AS "connectionId", stream, external_id AS "externalId", raw, mapped, deleted, updated_at AS "updatedAt"
         FROM source_records WHERE canonical_id = $1 ORDER BY connection_id, stream`,
        [record.id],
      ),
      xrefsOf(db, record.id),
      changeLogOf(db, record.id),
      db.query(
        `SELECT id, survivor_id AS "survivorId", merged_id AS "mergedId", actor, merged_at AS "mergedAt", unmerged_at AS "unmergedAt"
         FROM merge_history WHERE survivor_id = $1 OR merged_id = $1 ORDER BY merged_at DESC`,
        [record.id],
      ),
    ]);
    res.json({
      record,
      redirectedFrom: record.id === req.params.id ? undefined : req.params.id,
      sources: sources.rows,
      xrefs,
      history,
      merges: merges.rows,
    });
  });
  return router;
}
