import type { CanonicalEntity } from '../../connector/types.ts';
import { HubError } from '../../errors/index.ts';
import { keyColumnsOf } from '../../model/entities.ts';
import type { Queryable } from '../../store/db.ts';
import { type GoldenRecord, goldenByIds } from '../../store/repos/golden.ts';

/** What a merge or unmerge changes on a golden record. */
export interface GoldenState {
  version: number;
  body: Record<string, unknown>;
  lineage: Record<string, unknown>;
  mergedInto: string | null;
  deleted: boolean;
}

/** Locks golden records (in id order, so two merges never deadlock) and reads them. */
export async function lockGolden(db: Queryable, ids: string[]): Promise<Map<string, GoldenRecord>> {
  await db.query('SELECT id FROM golden_records WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE', [ids]);
  return goldenByIds(db, ids);
}

export function requireGolden(records: Map<string, GoldenRecord>, id: string, role: string): GoldenRecord {
  const record = records.get(id);
  if (!record)
    throw new HubError('not_found', 'record_not_found', `No golden record ${id} (${role})`, {
      fieldPath: role,
    });
  return record;
}

export async function writeGoldenState(
  db: Queryable,
  record: GoldenRecord,
  state: GoldenState,
  now: string,
): Promise<void> {
  const keys = keyColumnsOf(record.entity as CanonicalEntity, state.body);
  await db.query(
    `UPDATE golden_records SET version = $2, body = $3::jsonb, lineage = $4::jsonb, merged_into = $5, display_name = $6,
       natural_key = $7, source_system = 'mdm', updated_at = $8::timestamptz, deleted = $9
     WHERE id = $1`,
    [
      record.id,
      state.version,
      JSON.stringify(state.body),
      JSON.stringify(state.lineage),
      state.mergedInto,
      keys.displayName,
      keys.naturalKey ?? null,
      now,
      state.deleted,
    ],
  );
}

/**
 * Records among `ids` that have source records but no live one, as a source delete leaves them,
 * each with the connection whose delete came last.
 */
export async function orphanedRecords(db: Queryable, ids: string[]): Promise<Map<string, string>> {
  const { rows } = await db.query<{ id: string; deletedBy: string }>(
    `SELECT canonical_id AS id, (array_agg(connection_id ORDER BY updated_at DESC))[1] AS "deletedBy"
     FROM source_records WHERE canonical_id = ANY($1::uuid[])
     GROUP BY canonical_id HAVING bool_and(deleted)`,
    [ids],
  );
  return new Map(rows.map((row) => [row.id, row.deletedBy]));
}
