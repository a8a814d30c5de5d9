import { createMemoryState } from '../../connector/memory-state.ts';
import type { ConnectionState, JsonValue } from '../../connector/types.ts';
import { logger } from '../../log/logger.ts';
import { isSecretKey } from '../../log/redact.ts';
import type { SecretBox } from '../../security/secret-box.ts';
import type { Db, Queryable } from '../db.ts';

/** How a sealed value is stored: the SecretBox text of its JSON. */
interface SealedValue {
  $sealed: string;
}

const isSealed = (value: unknown): value is SealedValue =>
  typeof value === 'object' && value !== null && typeof (value as Partial<SealedValue>).$sealed === 'string';

/**
 * A value holds a credential when its key or one of its fields has a secret's name (the rule the
 * log redaction uses): `salesforce.refresh_token`, `{ accessToken, expiresAt }`.
 */
export function holdsCredential(key: string, value: unknown): boolean {
  if (value === null || value === undefined) return false;
  if (isSecretKey(key)) return true;
  if (typeof value !== 'object') return false;
  return Object.entries(value).some(([field, inner]) => holdsCredential(field, inner));
}

/** The stored value as the connector wrote it; a sealed one that no longer opens counts as absent. */
function unseal<T extends JsonValue>(box: SecretBox, connectionId: string, key: string, stored: unknown) {
  if (!isSealed(stored)) return stored as T;
  try {
    return JSON.parse(box.open(stored.$sealed)) as T;
  } catch (error) {
    // A cache: the connector signs in again. Sealed under another master key (a new data folder).
    logger.warn('cached connection credential cannot be decrypted; it is ignored', {
      connectionId,
      key,
      error,
    });
    return undefined;
  }
}

/**
 * Per-connection state in PostgreSQL. Values that hold credentials (sessions, refresh tokens) are
 * sealed with the store's SecretBox, like the connections' secrets. The lock is a
 * transaction-scoped advisory lock, so workers on any number of hosts take turns (one token
 * refresh at a time); the embedded driver has only one process, where an in-memory lock is enough.
 */
export function createConnectionState(db: Db, box: SecretBox, connectionId: string): ConnectionState {
  const local = createMemoryState();
  return {
    async get<T extends JsonValue>(key: string) {
      const { rows } = await db.query<{ value: unknown }>(
        'SELECT value FROM connection_state WHERE connection_id = $1 AND key = $2',
        [connectionId, key],
      );
      return rows[0] ? unseal<T>(box, connectionId, key, rows[0].value) : undefined;
    },
    async set(key, value) {
      const stored = holdsCredential(key, value) ? { $sealed: box.seal(JSON.stringify(value)) } : value;
      await db.query(
        `INSERT INTO connection_state (connection_id, key, value, updated_at) VALUES ($1, $2, $3, now())
         ON CONFLICT (connection_id, key) DO UPDATE SET value = EXCLUDED.value, updated_at = now()`,
        [connectionId, key, JSON.stringify(stored)],
      );
    },
    async withLock(key, fn) {
      if (db.driver !== 'postgres') return local.withLock(key, fn);
      return db.transaction(async (tx) => {
        await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`${connectionId}:${key}`]);
        return fn();
      });
    },
  };
}

/**
 * Drops the credentials the connector cached for a connection (sessions, access and refresh
 * tokens, also those cached before they were sealed); its other state stays.
 */
export async function forgetCachedCredentials(db: Queryable, connectionId: string): Promise<void> {
  const { rows } = await db.query<{ key: string; value: unknown }>(
    'SELECT key, value FROM connection_state WHERE connection_id = $1',
    [connectionId],
  );
  const keys = rows
    .filter((row) => isSealed(row.value) || holdsCredential(row.key, row.value))
    .map((row) => row.key);
  if (keys.length === 0) return;
  await db.query('DELETE FROM connection_state WHERE connection_id = $1 AND key = ANY($2::text[])', [
    connectionId,
    keys,
  ]);
}
