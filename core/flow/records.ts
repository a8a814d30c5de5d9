import type { CanonicalEntity } from '../connector/types.ts';
import { HubError } from '../errors/index.ts';
import { type EntityBody, validateEntity } from '../model/entities.ts';
import type { Queryable } from '../store/db.ts';
import { getGolden } from '../store/repos/golden.ts';
import type { RunInfo } from './define.ts';

export interface LoadedRecord<E extends CanonicalEntity> {
  id: string;
  version: number;
  body: EntityBody<E>;
  stored: Record<string, unknown>;
}

/** A golden record of `entity` by id (following merges), validated. */
export async function loadRecord<E extends CanonicalEntity>(
  db: Queryable,
  entity: E,
  id: string,
): Promise<LoadedRecord<E>> {
  const record = await getGolden(db, id);
  if (!record || record.deleted || record.entity !== entity)
    throw new HubError('not_found', 'record_not_found', `No ${entity} ${id}`);
  return {
    id: record.id,
    version: record.version,
    body: validateEntity(entity, record.body, record.id),
    stored: record.body,
  };
}

/** The record whose change started the run. */
export function triggerRecordId(run: RunInfo): string {
  if (run.trigger.kind !== 'change')
    throw new HubError(
      'invalid_data',
      'record_required',
      `flow ${run.flow} runs on a record; this run was started by ${run.trigger.kind}`,
    );
  return run.trigger.canonicalId;
}
