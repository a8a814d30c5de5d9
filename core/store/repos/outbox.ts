import type { Queryable } from '../db.ts';

/** The topic of a message carrying a batch of canonical changes (a page's, usually). */
export const CHANGES_TOPIC = 'records.changed';

export interface OutboxMessage {
  id: number;
  topic: string;
  key: string;
  payload: Record<string, unknown>;
  /** How many changes the message carries. */
  changes: number;
  createdAt: string;
}

/**
 * Claims unpublished messages in id order and marks them published, in one statement: up to
 * `limit` messages, and no more once they carry `maxChanges` changes (the first one is always
 * taken). Rows stay locked (SKIP LOCKED lets other relays take the next ones) until the caller's
 * transaction commits, which it does only once the queue took them: a rollback leaves them
 * unpublished.
 */
export async function claimForPublishing(
  tx: Queryable,
  limit: number,
  maxChanges: number,
): Promise<OutboxMessage[]> {
  const { rows } = await tx.query<{
    id: number;
    topic: string;
    message_key: string;
    payload: Record<string, unknown>;
    changes: number;
    created_at: string;
  }>(
    `WITH claimable AS (
       SELECT id, changes FROM outbox WHERE published_at IS NULL ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED),
     taken AS (
       SELECT id FROM (SELECT id, sum(changes) OVER (ORDER BY id) - changes AS before FROM claimable) AS running
       WHERE before < $2)
     UPDATE outbox SET published_at = now()
     WHERE id IN (SELECT id FROM taken)
     RETURNING id, topic, message_key, payload, changes, created_at`,
    [limit, maxChanges],
  );
  return rows
    .map((row) => ({
      id: row.id,
      topic: row.topic,
      key: row.message_key,
      payload: row.payload,
      changes: row.changes,
      createdAt: row.created_at,
    }))
    .sort((a, b) => a.id - b.id);
}

/** Marks messages published since `since` unpublished again: the queue they went to lost them. */
export async function unpublishSince(db: Queryable, since: string): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    'WITH again AS (UPDATE outbox SET published_at = NULL WHERE published_at >= $1::timestamptz RETURNING 1) SELECT count(*)::int AS n FROM again',
    [since],
  );
  return rows[0]!.n;
}

export async function appendOutbox(
  tx: Queryable,
  topic: string,
  key: string,
  payload: Record<string, unknown>,
): Promise<void> {
  await tx.query('INSERT INTO outbox (topic, message_key, payload) VALUES ($1, $2, $3)', [
    topic,
    key,
    JSON.stringify(payload),
  ]);
}
