import type { CanonicalEntity } from '../../core/connector/types.ts';
import { isHubError } from '../../core/errors/index.ts';
import type { FlowRole } from '../../core/flow/define.ts';
import { type HubWrite, patchHubRecord } from '../../core/flow/golden-writes.ts';
import { loadFlowSettings } from '../../core/flow/settings.ts';
import { connectionForRole, writeLinkedNow } from '../../core/flow/targets.ts';
import type { Hub } from '../../core/runtime/hub.ts';
import type { Queryable } from '../../core/store/db.ts';
import { orderToProduction, timeBufferDaysOf } from '../order-to-production/flow.ts';

/**
 * The time buffer as of `asOf`, of order-to-production's length (its `timeBufferDays`, else
 * shipping plus constraint buffer): every flow gives an order the same colour on the same day.
 */
export async function productionTimeBuffer(db: Queryable, asOf: string) {
  const { settings } = await loadFlowSettings(db, orderToProduction);
  return { asOf, bufferDays: timeBufferDaysOf(settings) };
}

/** A record whose colour changed: the fields to set on it (undefined drops a field). */
export interface ColourChange {
  id: string;
  patch: Record<string, unknown>;
}

/**
 * Saves the changed colours, then writes those records the target already has (results for what
 * it knows, never a record it lacks), with any whose colour an earlier run saved but the target
 * never took (a refused write, or one that failed): the hub's copy already has that colour, so
 * only what the target was last written tells that it still lacks it. The target's connection is
 * looked up first: a paused one halts a scheduled run before anything is saved.
 */
export async function saveAndWriteChanged(
  hub: Hub,
  target: { role: FlowRole; entity: CanonicalEntity; source: string; field: string },
  changes: ColourChange[],
): Promise<Record<string, string>> {
  const connection = await connectionForRole(hub, target.role);
  const saved = [];
  for (const change of changes) {
    const record = await patchIfStillThere(
      hub,
      { entity: target.entity, id: change.id, source: target.source },
      change,
    );
    if (record) saved.push({ canonicalId: record.id, version: record.version });
  }
  const savedIds = new Set(saved.map((record) => record.canonicalId));
  const undelivered = (await undeliveredColours(hub.store.db, connection.id, target)).filter(
    (record) => !savedIds.has(record.canonicalId),
  );
  return Object.fromEntries(await writeLinkedNow(hub, connection, target.entity, [...saved, ...undelivered]));
}

/**
 * Live records linked to the connection whose `field` last changed in a version later than the
 * last one written to it: the colour the hub holds never reached the target.
 */
async function undeliveredColours(
  db: Queryable,
  connectionId: string,
  target: { entity: CanonicalEntity; field: string },
): Promise<Array<{ canonicalId: string; version: number }>> {
  const { rows } = await db.query<{ canonicalId: string; version: number }>(
    `SELECT g.id AS "canonicalId", g.version FROM golden_records g
     JOIN xref x ON x.entity = g.entity AND x.canonical_id = g.id AND x.connection_id = $1
     CROSS JOIN LATERAL (SELECT max(c.version) AS version FROM change_log c
       WHERE c.canonical_id = g.id AND $3 = ANY(c.changed_fields)) coloured
     LEFT JOIN LATERAL (SELECT max(w.version) AS version FROM last_written w
       WHERE w.connection_id = $1 AND w.canonical_id = g.id) written ON true
     WHERE g.entity = $2 AND NOT g.deleted AND g.merged_into IS NULL
       AND coloured.version IS NOT NULL AND (written.version IS NULL OR written.version < coloured.version)`,
    [connectionId, target.entity, target.field],
  );
  return rows;
}

/**
 * A record deleted since it was measured has no colour to carry: it is passed over, so that the
 * run, and a replay of it, still colour the others.
 */
async function patchIfStillThere(hub: Hub, write: HubWrite, change: ColourChange) {
  try {
    return await patchHubRecord(hub.store.db, write, change.patch);
  } catch (error) {
    if (isHubError(error) && error.code === 'record_not_found') return undefined;
    throw error;
  }
}
