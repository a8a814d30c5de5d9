import { Router } from 'express';
import { z } from 'zod';
import { HubError } from '../../errors/index.ts';
import { entityNames, isEntityName } from '../../model/index.ts';
import type { Hub } from '../../runtime/hub.ts';
import { keysetPage } from '../../store/keyset.ts';
import { changeLogOf, getGolden, goldenSearchSource, toGolden } from '../../store/repos/golden.ts';
import { xrefsOf } from '../../store/repos/xref.ts';
import { unstorableStringPath } from '../../sync/failures.ts';
import { keysetQuerySchema } from '../keyset.ts';
import { parseQuery } from '../validate.ts';

/** A display name: any text PostgreSQL stores. */
const displayNameKey = z
  .string()
  .refine((text) => unstorableStringPath(text) === undefined, 'holds a NUL or an unpaired surrogate');

export const recordQuerySchema = keysetQuerySchema(displayNameKey).safeExtend({
  q: z.string().max(200).optional().describe('Found in the name, the natural key or the body'),
});

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
    const page = await keysetPage<Parameters<typeof toGolden>[0]>(
      hub.store.db,
      goldenSearchSource(entity, query.q),
      query,
    );
    res.json({ ...page, items: page.items.map(toGolden) });
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
