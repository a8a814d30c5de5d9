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
 * it knows, never a record it lacks). The target's connection is looked up first: a paused one
 * halts a scheduled run before anything is saved, so the next tick still finds the changes.
 */
export async function saveAndWriteChanged(
  hub: Hub,
  target: { role: FlowRole; entity: CanonicalEntity; source: string },
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
  return Object.fromEntries(await writeLinkedNow(hub, connection, target.entity, saved));
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
