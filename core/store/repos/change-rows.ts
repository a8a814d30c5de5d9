import type { Queryable } from '../db.ts';
import { CHANGES_TOPIC } from './outbox.ts';

export interface ChangeRow {
  canonical_id: string;
  version: number;
  operation: 'create' | 'update' | 'delete' | 'merge' | 'unmerge';
  body: Record<string, unknown> | null;
  changed_fields: string[];
}

/**
 * Appends to the change log and, in the same statement, one outbox message carrying all of these
 * changes: relays and queues then handle a page, not each record of it.
 */
export async function appendChangeRows(
  tx: Queryable,
  entity: string,
  sourceSystem: string,
  changes: ChangeRow[],
): Promise<void> {
  if (changes.length === 0) return;
  // One statement: the page's JSON is parsed once for both tables. The notification is delivered
  // at commit and wakes the outbox relay without waiting for its poll.
  await tx.query(
    `WITH c AS (
       SELECT * FROM jsonb_to_recordset($1::jsonb)
         AS c(canonical_id uuid, version int, operation text, body jsonb, changed_fields jsonb)),
     logged AS (
       INSERT INTO change_log (entity, canonical_id, version, operation, body, changed_fields, source_system)
       SELECT $2, canonical_id, version, operation, body, ARRAY(SELECT jsonb_array_elements_text(changed_fields)), $3
       FROM c),
     added AS (
       INSERT INTO outbox (topic, message_key, payload, changes)
       SELECT '${CHANGES_TOPIC}', $2,
         jsonb_build_object('entity', $2::text, 'sourceSystem', $3::text, 'changes',
           jsonb_agg(jsonb_build_object('canonicalId', canonical_id, 'version', version, 'operation', operation,
             'changedFields', changed_fields))),
         count(*)
       FROM c
       RETURNING 1)
     SELECT pg_notify('thub_outbox', '') FROM added`,
    [JSON.stringify(changes), entity, sourceSystem],
  );
}
