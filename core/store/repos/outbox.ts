import type { Queryable } from '../db.ts';

export interface OutboxMessage {
  id: number;
  topic: string;
  key: string;
  payload: Record<string, unknown>;
  createdAt: string;
}

/**
 * Claims up to `limit` unpublished messages in id order and marks them published, in one
 * statement. Rows stay locked (SKIP LOCKED lets other relays take the next ones) until the
 * caller's transaction commits, which it does only once the queue took them: a rollback leaves
 * them unpublished.
 */
export async function claimForPublishing(tx: Queryable, limit: number): Promise<OutboxMessage[]> {
  const { rows } = await tx.query<{
    id: number;
    topic: string;
    message_key: string;
    payload: Record<string, unknown>;
    created_at: string;
  }>(
    `UPDATE outbox SET published_at = now()
     WHERE id IN (SELECT id FROM outbox WHERE published_at IS NULL ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED)
     RETURNING id, topic, message_key, payload, created_at`,
    [limit],
  );
  return rows
    .map((row) => ({
      id: row.id,
      topic: row.topic,
      key: row.message_key,
      payload: row.payload,
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
