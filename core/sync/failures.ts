import { randomUUID } from 'node:crypto';
import { type HubError, toHubError } from '../errors/index.ts';
import { logger } from '../log/logger.ts';
import { syncFailures } from '../log/metrics.ts';
import type { Queryable } from '../store/db.ts';
import { contentHash } from '../store/hash.ts';
import { containsPattern, jsonTextPattern } from '../store/like.ts';
import { type Connection, type ConnectionsRepo, STATUS_MESSAGE_MAX } from '../store/repos/connections.ts';
import { classifyFailure, type ErrorClass } from './error-class.ts';

export type FailureState = 'open' | 'replayed' | 'resolved' | 'ignored';
export type FailureDirection = 'in' | 'out' | 'flow';

export interface NewFailure {
  connectionId: string;
  stream: string;
  direction: FailureDirection;
  externalId?: string;
  canonicalId?: string;
  rawPayload?: unknown;
  mappedPayload?: unknown;
  error: HubError;
  mappingVersion?: string;
  context?: Record<string, unknown>;
}

export interface FailedSync {
  id: string;
  connectionId: string;
  stream: string;
  direction: FailureDirection;
  externalId: string | null;
  canonicalId: string | null;
  rawPayload: unknown;
  mappedPayload: unknown;
  errorClass: ErrorClass;
  errorCode: string;
  message: string;
  fieldPath: string | null;
  mappingVersion: string | null;
  attempts: number;
  context: Record<string, unknown>;
  state: FailureState;
  firstSeen: string;
  lastSeen: string;
  resolvedAt: string | null;
}

const columns = `id, connection_id AS "connectionId", stream, direction, external_id AS "externalId", canonical_id AS "canonicalId",
  raw_payload AS "rawPayload", mapped_payload AS "mappedPayload", error_class AS "errorClass", error_code AS "errorCode", message,
  field_path AS "fieldPath", mapping_version AS "mappingVersion", attempts, context, state, first_seen AS "firstSeen",
  last_seen AS "lastSeen", resolved_at AS "resolvedAt"`;

/** A NUL or a lone UTF-16 surrogate: PostgreSQL text and jsonb refuse both. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: the NUL is what this looks for
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

const hasUnstorable = (text: string) => text.search(UNSTORABLE) !== -1;

/** The path (`a.b[2]`) of the first key or string in `value` that PostgreSQL cannot store, if any. */
export function unstorableStringPath(value: unknown, path = ''): string | undefined {
  if (typeof value === 'string') return hasUnstorable(value) ? path || '(value)' : undefined;
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const found = unstorableStringPath(item, `${path}[${index}]`);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (value === null || typeof value !== 'object') return undefined;
  for (const [key, item] of Object.entries(value)) {
    const keyPath = path ? `${path}.${key}` : key;
    if (hasUnstorable(key)) return escapeUnstorable(keyPath);
    const found = unstorableStringPath(item, keyPath);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** `text` with each unstorable character written as its \uXXXX escape, so an operator can see it. */
export function escapeUnstorable(text: string): string {
  return text.replace(UNSTORABLE, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** In JSON text: a \u0000 or lone-surrogate escape (JSON.stringify writes both so), not itself escaped. */
const UNSTORABLE_ESCAPE = /(?<!\\)((?:\\\\)*)\\u(0000|d[89a-f][0-9a-f]{2})/gi;

/** `value` as JSON that PostgreSQL can store as jsonb: unstorable characters stay as literal \uXXXX text. */
export function storableJsonText(value: unknown): string {
  return JSON.stringify(value).replace(UNSTORABLE_ESCAPE, '$1\\\\u$2');
}

const storableText = (text: string | undefined) => (text === undefined ? null : escapeUnstorable(text));

/** The same record failing the same way is one failure seen again, not a new one. */
function fingerprintOf(failure: NewFailure): string {
  const record = failure.externalId ?? failure.canonicalId ?? contentHash(failure.rawPayload ?? null);
  return contentHash([
    failure.connectionId,
    failure.stream,
    failure.direction,
    record,
    failure.context?.step ?? null,
  ]);
}

/**
 * Records a failure, or counts another attempt of the open one for the same record. Payloads and
 * texts are escaped where PostgreSQL could not store them: a record is often failed for exactly that.
 */
export async function recordFailure(db: Queryable, failure: NewFailure): Promise<string> {
  const errorClass = classifyFailure(failure.error);
  syncFailures.inc({ connection: failure.connectionId, stream: failure.stream, error_class: errorClass });
  const collapsed = await collapseIntoResolved(db, failure);
  if (collapsed) return collapsed;
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO failed_syncs (id, connection_id, stream, direction, external_id, canonical_id, raw_payload, mapped_payload,
       error_class, error_code, message, field_path, mapping_version, fingerprint, context)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
     ON CONFLICT (fingerprint) WHERE state IN ('open', 'replayed') DO UPDATE SET
       attempts = failed_syncs.attempts + 1, last_seen = now(), state = 'open', raw_payload = EXCLUDED.raw_payload,
       mapped_payload = EXCLUDED.mapped_payload, error_class = EXCLUDED.error_class, error_code = EXCLUDED.error_code,
       message = EXCLUDED.message, field_path = EXCLUDED.field_path, mapping_version = EXCLUDED.mapping_version,
       context = EXCLUDED.context
     RETURNING id`,
    [
      randomUUID(),
      failure.connectionId,
      failure.stream,
      failure.direction,
      storableText(failure.externalId),
      failure.canonicalId ?? null,
      storableJsonText(failure.rawPayload ?? null),
      failure.mappedPayload === undefined ? null : storableJsonText(failure.mappedPayload),
      errorClass,
      failure.error.code,
      escapeUnstorable(failure.error.message),
      storableText(failure.error.fieldPath),
      failure.mappingVersion ?? null,
      fingerprintOf(failure),
      storableJsonText({ ...failure.context, kind: failure.error.kind }),
    ],
  );
  return rows[0]!.id;
}

/**
 * Refusals of the authentication class that say the credentials work but may not touch one object
 * (HTTP 403, a missing scope, ERPNext's PermissionError, Odoo's AccessError, Salesforce's
 * INSUFFICIENT_ACCESS): the failure of that stream or record, not of the connection. Counting them
 * would flip the status on every run of the forbidden stream and back on the next one of another.
 */
const ACCESS_DENIED_CODES = new Set([
  'http_403',
  'forbidden',
  'missing_scopes',
  'erpnext_permission_denied',
  'odoo_access_error',
  'insufficient_access',
  'insufficient_access_or_readonly',
]);

/**
 * Keeps a connection's status in step with what a call to its system showed of its credentials:
 * refused (an error of the 'authentication' class, other than access denied to one object) makes
 * it needs_reauthorization with the error's message; a call that got through (no `error`) makes
 * one that needed that, or was in error, active again. Other errors tell nothing, a paused
 * connection stays paused, and a call made with secrets saved over since (its `connection` holds
 * the old ones) tells nothing of the new ones. `connection` is the caller's copy, often cached:
 * when its status already says so, nothing is written, so calls to a working connection cost no
 * query. Never throws: the status reports the call, it is not its outcome.
 */
export async function noteCredentials(
  connections: ConnectionsRepo,
  connection: Pick<Connection, 'id' | 'status' | 'statusMessage' | 'secretsVersion'>,
  error?: unknown,
): Promise<void> {
  try {
    if (error === undefined) {
      if (connection.status === 'needs_reauthorization' || connection.status === 'error')
        await connections.markWorking(connection.id, connection.secretsVersion);
      return;
    }
    const refused = toHubError(error);
    if (classifyFailure(refused) !== 'authentication' || ACCESS_DENIED_CODES.has(refused.code)) return;
    if (connection.status === 'disabled') return;
    const message = escapeUnstorable(refused.message).slice(0, STATUS_MESSAGE_MAX);
    if (connection.status === 'needs_reauthorization' && connection.statusMessage === message) return;
    await connections.markNeedsReauthorization(connection.id, message, connection.secretsVersion);
  } catch (failure) {
    logger.warn('could not update the status of a connection', {
      connectionId: connection.id,
      error: failure,
    });
  }
}

/**
 * The same payload failing the same way again after its failure was resolved (a stale redelivery,
 * an old event replayed by the source) is that failure seen again: it counts there and stays
 * resolved, rather than opening a failure for a record that is fine. Returns its id, if so. Only
 * an inbound payload can be stale: an outbound write that fails again (the same body refused after
 * a success, a token expired again, a reference missing again) is a new fact the admin must see.
 */
async function collapseIntoResolved(db: Queryable, failure: NewFailure): Promise<string | undefined> {
  if (failure.direction !== 'in' || failure.rawPayload === undefined || failure.rawPayload === null)
    return undefined;
  const fingerprint = fingerprintOf(failure);
  const { rows } = await db.query<{ id: string }>(
    `UPDATE failed_syncs SET attempts = attempts + 1, last_seen = now()
     WHERE id = (SELECT id FROM failed_syncs WHERE fingerprint = $1 AND state = 'resolved' AND error_code = $2
                   AND raw_payload = $3::jsonb ORDER BY last_seen DESC LIMIT 1)
       AND NOT EXISTS (SELECT 1 FROM failed_syncs WHERE fingerprint = $1 AND state IN ('open', 'replayed'))
     RETURNING id`,
    [fingerprint, failure.error.code, storableJsonText(failure.rawPayload)],
  );
  return rows[0]?.id;
}

/**
 * A replayed record that fails again under another identity (a parse error's line becomes the
 * record's own id, or none) opens a second failure: it is folded into the replayed one, which
 * takes its error and opens again, so one record keeps one failure and its history of attempts.
 */
export async function foldIntoReplayed(db: Queryable, replayed: FailedSync, since: string): Promise<void> {
  await db.query(
    `WITH folded AS (
       DELETE FROM failed_syncs
       WHERE connection_id = $1 AND stream = $2 AND direction = $3 AND state = 'open' AND id <> $4
         AND first_seen >= $5::timestamptz AND raw_payload = (SELECT raw_payload FROM failed_syncs WHERE id = $4)
       RETURNING error_class, error_code, message, field_path, mapping_version, mapped_payload, last_seen)
     UPDATE failed_syncs f SET state = 'open', attempts = f.attempts + 1, last_seen = now(),
       error_class = x.error_class, error_code = x.error_code, message = x.message, field_path = x.field_path,
       mapping_version = x.mapping_version, mapped_payload = x.mapped_payload
     FROM (SELECT * FROM folded ORDER BY last_seen DESC LIMIT 1) AS x
     WHERE f.id = $4 AND f.state = 'replayed'`,
    [replayed.connectionId, replayed.stream, replayed.direction, replayed.id, since],
  );
}

/** A later success of the same record resolves its open failures: intermittent ones heal themselves. */
export async function resolveFailuresFor(
  db: Queryable,
  where: {
    connectionId: string;
    stream: string;
    direction: FailureDirection;
    externalIds?: string[];
    canonicalIds?: string[];
  },
): Promise<number> {
  const ids = where.externalIds ?? where.canonicalIds ?? [];
  if (ids.length === 0) return 0;
  const column = where.externalIds ? 'external_id' : 'canonical_id::text';
  const { rowCount } = await db.query(
    `UPDATE failed_syncs SET state = 'resolved', resolved_at = now()
     WHERE connection_id = $1 AND stream = $2 AND direction = $3 AND state IN ('open', 'replayed') AND ${column} = ANY($4::text[])`,
    [where.connectionId, where.stream, where.direction, ids],
  );
  return rowCount;
}

/**
 * Resolves a record's open or replayed outbound failures that no write will ever settle (the record
 * was merged away or deleted before it reached the target), putting the reason before their message.
 */
export async function resolveFailuresWithoutWrite(
  db: Queryable,
  where: { connectionId: string; stream: string; canonicalId: string },
  reason: string,
): Promise<number> {
  const { rowCount } = await db.query(
    `UPDATE failed_syncs SET state = 'resolved', resolved_at = now(), message = $4 || ' The failure was: ' || message
     WHERE connection_id = $1 AND stream = $2 AND direction = 'out' AND canonical_id = $3 AND state IN ('open', 'replayed')`,
    [where.connectionId, where.stream, where.canonicalId, escapeUnstorable(reason)],
  );
  return rowCount;
}

/**
 * Resolves the open or replayed inbound failures of records their source deleted: a replay would
 * write a record that no longer exists. The reason goes before their message.
 */
export async function resolveFailuresOfDeleted(
  db: Queryable,
  where: { connectionId: string; stream: string; externalIds: string[] },
): Promise<number> {
  if (where.externalIds.length === 0) return 0;
  const { rowCount } = await db.query(
    `UPDATE failed_syncs SET state = 'resolved', resolved_at = now(),
       message = 'The record was deleted in the source. The failure was: ' || message
     WHERE connection_id = $1 AND stream = $2 AND direction = 'in' AND state IN ('open', 'replayed')
       AND external_id = ANY($3::text[])`,
    [where.connectionId, where.stream, where.externalIds],
  );
  return rowCount;
}

export interface FailureFilter {
  connectionId?: string;
  stream?: string;
  state?: FailureState;
  errorClass?: string;
  text?: string;
  ids?: string[];
}

function whereOf(filter: FailureFilter): { sql: string; params: unknown[] } {
  const clauses: string[] = [];
  const params: unknown[] = [];
  const add = (sql: string, value: unknown) => {
    params.push(value);
    clauses.push(sql.replaceAll('?', `$${params.length}`));
  };
  if (filter.connectionId) add('connection_id = ?', filter.connectionId);
  if (filter.stream) add('stream = ?', filter.stream);
  if (filter.state) add('state = ?', filter.state);
  if (filter.errorClass) add('error_class = ?', filter.errorClass);
  if (filter.ids) add('id = ANY(?::uuid[])', filter.ids);
  if (filter.text) {
    params.push(containsPattern(filter.text), jsonTextPattern(filter.text));
    const [plain, json] = [`$${params.length - 1}`, `$${params.length}`];
    clauses.push(
      `(message ILIKE ${plain} OR coalesce(external_id, '') ILIKE ${plain} OR raw_payload::text ILIKE ${json})`,
    );
  }
  return { sql: clauses.length ? `WHERE ${clauses.join(' AND ')}` : '', params };
}

/** Newest first for reading; oldest first for working through them (see replayMatching). */
export type FailureOrder = 'newest_first' | 'oldest_first';

const orderBy: Record<FailureOrder, string> = {
  newest_first: 'last_seen DESC, id',
  oldest_first: 'last_seen, id',
};

export async function listFailures(
  db: Queryable,
  filter: FailureFilter,
  page = { limit: 50, offset: 0 },
  order: FailureOrder = 'newest_first',
) {
  const where = whereOf(filter);
  const n = where.params.length;
  const [items, total] = await Promise.all([
    db.query<FailedSync>(
      `SELECT ${columns} FROM failed_syncs ${where.sql} ORDER BY ${orderBy[order]} LIMIT $${n + 1} OFFSET $${n + 2}`,
      [...where.params, page.limit, page.offset],
    ),
    db.query<{ count: number }>(`SELECT count(*)::int AS count FROM failed_syncs ${where.sql}`, where.params),
  ]);
  return { items: items.rows, total: total.rows[0]?.count ?? 0 };
}

export async function getFailure(db: Queryable, id: string): Promise<FailedSync | undefined> {
  const { rows } = await db.query<FailedSync>(`SELECT ${columns} FROM failed_syncs WHERE id = $1`, [id]);
  return rows[0];
}

export async function setFailureState(db: Queryable, id: string, state: FailureState): Promise<void> {
  await db.query(
    `UPDATE failed_syncs SET state = $2, resolved_at = CASE WHEN $2 IN ('resolved', 'ignored') THEN now() ELSE resolved_at END WHERE id = $1`,
    [id, state],
  );
}

/** The states an admin can ignore a failure from: one still failing. */
const IGNORABLE: FailureState[] = ['open', 'replayed'];

/**
 * Ignores a failure that is still failing, and answers the state it was left in: 'ignored', or
 * what it already was (resolved, or ignored before), unchanged.
 */
export async function ignoreFailure(db: Queryable, id: string): Promise<FailureState | undefined> {
  const { rows } = await db.query<{ state: FailureState }>(
    `UPDATE failed_syncs SET state = 'ignored', resolved_at = now() WHERE id = $1 AND state = ANY($2::text[])
     RETURNING state`,
    [id, IGNORABLE],
  );
  return rows[0]?.state ?? (await getFailure(db, id))?.state;
}

export async function failureCounts(db: Queryable): Promise<Record<string, number>> {
  const { rows } = await db.query<{ state: string; n: number }>(
    'SELECT state, count(*)::int AS n FROM failed_syncs GROUP BY state',
  );
  return Object.fromEntries(rows.map((row) => [row.state, row.n]));
}
