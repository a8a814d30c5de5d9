import { isRecordError, type RecordError } from '../connector/record-error.ts';
import type { StreamSpec } from '../connector/types.ts';
import { HubError } from '../errors/index.ts';
import type { RecordCheck } from '../mapping/index.ts';
import { escapeUnstorable, unstorableStringPath } from './failures.ts';

/** The value at a dotted path of a raw record (`owner.id`); undefined where the path breaks off. */
export function readPath(record: unknown, path: string): unknown {
  let node = record;
  for (const key of path.split('.')) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

/** A record refused before it is mapped: the error, the payload to file and the id it names, if any. */
export interface Refusal {
  error: HubError;
  raw: unknown;
  externalId?: string;
}

const isMissing = (id: unknown) => id === undefined || id === null || id === '';

function parseErrorRefusal(raw: RecordError): Refusal {
  const { message, fieldPath, fileName, line } = raw.__error;
  const where = [fileName, line ? `line ${line}` : undefined].filter(Boolean).join(' ');
  const error = new HubError('invalid_data', 'parse_error', where ? `${where}: ${message}` : message, {
    fieldPath,
    details: { fileName, line },
  });
  return { error, raw: raw.raw, externalId: where || undefined };
}

/**
 * PostgreSQL cannot store a NUL or a lone surrogate in jsonb: written, such a record would roll
 * back its whole page, and every later run would fail on the same page.
 */
function unstorableRefusal(spec: StreamSpec, raw: unknown, path: string, id: unknown): Refusal {
  const externalId = isMissing(id) ? undefined : String(id);
  const error = new HubError(
    'invalid_data',
    'unstorable_string',
    `${spec.entity} ${escapeUnstorable(externalId ?? '(no id)')}: ${path}: holds a NUL or an unpaired surrogate character`,
    { fieldPath: path },
  );
  return { error, raw, externalId };
}

/**
 * Why a run refuses a raw record before mapping it, if it does: the connector could not parse it,
 * it holds a string the store cannot keep, or it lacks the stream's primary key. Dry-run asks the
 * same (`inboundRecordCheck`), so it never calls ok a record the run files.
 */
export function refusedBeforeMapping(spec: StreamSpec, raw: unknown): Refusal | undefined {
  if (isRecordError(raw)) return parseErrorRefusal(raw);
  const id = readPath(raw, spec.primaryKey);
  const unstorable = unstorableStringPath(raw);
  if (unstorable !== undefined) return unstorableRefusal(spec, raw, unstorable, id);
  if (!isMissing(id)) return undefined;
  const error = new HubError('invalid_data', 'missing_primary_key', `record has no ${spec.primaryKey}`, {
    fieldPath: spec.primaryKey,
  });
  return { error, raw };
}

/** The run's checks before mapping, for dry-run (`dryRun(…, inboundRecordCheck(spec))`). */
export const inboundRecordCheck =
  (spec: StreamSpec): RecordCheck =>
  (raw) =>
    refusedBeforeMapping(spec, raw)?.error;
