import { isRecordError } from '../connector/record-error.ts';
import type { Queryable } from '../store/db.ts';

export interface SchemaDrift {
  added?: string[];
  removed?: string[];
}

/**
 * Nested objects are looked into this deep: vendors keep their fields one level down (HubSpot's
 * `properties.phone`), while deeper levels are structure (addresses, lines) rather than fields.
 */
const FIELD_DEPTH = 2;

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

function addFieldPaths(seen: Set<string>, record: Record<string, unknown>, prefix = '', depth = 1) {
  for (const [key, value] of Object.entries(record)) {
    const path = prefix + key;
    if (isPlainObject(value) && depth < FIELD_DEPTH && Object.keys(value).length > 0)
      addFieldPaths(seen, value, `${path}.`, depth + 1);
    else seen.add(path);
  }
}

/** Collects the field paths a run sees, to compare with what the stream had before. */
export function createFieldTracker() {
  const seen = new Set<string>();
  let records = 0;
  return {
    observe(rawRecords: unknown[]) {
      for (const raw of rawRecords) {
        if (!isPlainObject(raw) || isRecordError(raw)) continue;
        records += 1;
        addFieldPaths(seen, raw);
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

async function knownFields(db: Queryable, connectionId: string, key: string): Promise<string[] | undefined> {
  const { rows } = await db.query<{ value: string[] }>(
    'SELECT value FROM connection_state WHERE connection_id = $1 AND key = $2',
    [connectionId, key],
  );
  return rows[0]?.value;
}

async function saveKnownFields(db: Queryable, connectionId: string, key: string, fields: string[]) {
  await db.query(
    `INSERT INTO connection_state (connection_id, key, value) SELECT $1, $2, $3 WHERE EXISTS (SELECT 1 FROM connections WHERE id = $1)
     ON CONFLICT (connection_id, key) DO UPDATE SET value = EXCLUDED.value, updated_at = now()`,
    [connectionId, key, JSON.stringify(fields)],
  );
}

const isUnder = (field: string, parent: string) => field.startsWith(`${parent}.`);

/**
 * A nested object that is null or empty in a record shows as its own path (`address`) where a
 * filled one shows its fields (`address.city`). Where the fields of a path were seen, the bare
 * path says nothing more and is left out, so an object empty in some records is no drift.
 */
const withoutBareParents = (fields: string[]) =>
  fields.filter((field) => !fields.some((other) => isUnder(other, field)));

/** Fields seen now and never before; an object seen empty now is known when its fields are. */
function fieldsAdded(known: string[], current: string[]): string[] {
  const knownFields = withoutBareParents(known);
  return withoutBareParents(current).filter(
    (field) => !knownFields.some((knownField) => knownField === field || isUnder(knownField, field)),
  );
}

/**
 * Known fields no record of the run had: neither the field, nor its fields (an object known only
 * empty, filled now), nor its object empty in every record (which tells nothing of its fields).
 */
function fieldsRemoved(known: string[], current: string[]): string[] {
  const seen = withoutBareParents(current);
  return withoutBareParents(known).filter(
    (field) => !seen.some((now) => now === field || isUnder(now, field) || isUnder(field, now)),
  );
}

/**
 * Compares the fields seen in this run with the stream's known fields, the union of the fields
 * seen so far. Added fields are kept in the raw payload of every source record, so nothing is
 * dropped before the mapping learns to use them. Only a run that `sawEveryRecord` (from no cursor,
 * to the end) can tell a field is gone: an incremental run's few records may just leave an
 * optional field out.
 */
export async function detectSchemaDrift(
  db: Queryable,
  connectionId: string,
  stream: string,
  tracker: ReturnType<typeof createFieldTracker>,
  options: { sawEveryRecord: boolean },
): Promise<SchemaDrift> {
  if (tracker.records === 0) return {};
  // Field paths (with nested ones) since 'fields:'; the older top-level names were kept as 'schema:'.
  const key = `fields:${stream}`;
  const known = await knownFields(db, connectionId, key);
  const current = tracker.fields;
  if (!known) {
    await saveKnownFields(db, connectionId, key, current);
    return {};
  }
  const added = fieldsAdded(known, current);
  const removed = options.sawEveryRecord ? fieldsRemoved(known, current) : [];
  if (added.length || removed.length) {
    const stillKnown = known.filter((field) => !removed.includes(field));
    await saveKnownFields(db, connectionId, key, [...stillKnown, ...added].sort());
  }
  return { ...(added.length ? { added } : {}), ...(removed.length ? { removed } : {}) };
}
