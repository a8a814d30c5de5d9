import { createMemoryState } from '../../connector/memory-state.ts';
import type { ConnectionState, JsonValue } from '../../connector/types.ts';
import type { Db } from '../db.ts';

/**
 * Per-connection state in PostgreSQL. The lock is a transaction-scoped advisory lock, so workers
 * on any number of hosts take turns (one token refresh at a time); the embedded driver has only
 * one process, where an in-memory lock is enough.
 */
export function createConnectionState(db: Db, connectionId: string): ConnectionState {
  const local = createMemoryState();
  return {
    async get<T extends JsonValue>(key: string) {
      const { rows } = await db.query<{ value: T }>(
        'SELECT value FROM connection_state WHERE connection_id = $1 AND key = $2',
        [connectionId, key],
      );
      return rows[0]?.value;
    },
    async set(key, value) {
      await db.query(
        `INSERT INTO connection_state (connection_id, key, value, updated_at) VALUES ($1, $2, $3, now())
         ON CONFLICT (connection_id, key) DO UPDATE SET value = EXCLUDED.value, updated_at = now()`,
        [connectionId, key, JSON.stringify(value)],
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
