import { isRecordError } from '../connector/record-error.ts';
import type { Queryable } from '../store/db.ts';

export interface SchemaDrift {
  added?: string[];
  removed?: string[];
}

/** Collects the top-level field names a run sees, to compare with what the stream had before. */
export function createFieldTracker() {
  const seen = new Set<string>();
  let records = 0;
  return {
    observe(rawRecords: unknown[]) {
      for (const raw of rawRecords) {
        if (raw === null || typeof raw !== 'object' || isRecordError(raw)) continue;
        records += 1;
        for (const key of Object.keys(raw)) seen.add(key);
      }
    },
    get records() {
      return records;
    },
    get fields() {
      return [...seen].sort();
    },
  };
}

/**
 * Compares the fields seen in this run with the stream's known fields and remembers the new set.
 * Added fields are kept in the raw payload of every source record, so nothing is dropped before
 * the mapping learns to use them.
 */
export async function detectSchemaDrift(
  db: Queryable,
  connectionId: string,
  stream: string,
  tracker: ReturnType<typeof createFieldTracker>,
): Promise<SchemaDrift> {
  if (tracker.records === 0) return {};
  const key = `schema:${stream}`;
  const { rows } = await db.query<{ value: string[] }>(
    'SELECT value FROM connection_state WHERE connection_id = $1 AND key = $2',
    [connectionId, key],
  );
  const known = rows[0]?.value;
  const current = tracker.fields;
  await db.query(
    `INSERT INTO connection_state (connection_id, key, value) SELECT $1, $2, $3 WHERE EXISTS (SELECT 1 FROM connections WHERE id = $1)
     ON CONFLICT (connection_id, key) DO UPDATE SET value = EXCLUDED.value, updated_at = now()`,
    [connectionId, key, JSON.stringify(current)],
  );
  if (!known) return {};
  const added = current.filter((field) => !known.includes(field));
  const removed = known.filter((field) => !current.includes(field));
  return { ...(added.length ? { added } : {}), ...(removed.length ? { removed } : {}) };
}
