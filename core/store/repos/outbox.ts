import type { Queryable } from '../db.ts';

export interface OutboxMessage {
  id: number;
  topic: string;
  key: string;
  payload: Record<string, unknown>;
  createdAt: string;
}

/**
 * Claims up to `limit` unpublished messages in id order. Rows stay locked (SKIP LOCKED lets other
 * relays take the next ones) until the caller's transaction marks them published.
 */
export async function claimOutbox(tx: Queryable, limit: number): Promise<OutboxMessage[]> {
  const { rows } = await tx.query<{
    id: number;
    topic: string;
    message_key: string;
    payload: Record<string, unknown>;
    created_at: string;
  }>(
    `SELECT id, topic, message_key, payload, created_at FROM outbox
     WHERE published_at IS NULL ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED`,
    [limit],
  );
  return rows.map((row) => ({
    id: row.id,
    topic: row.topic,
    key: row.message_key,
    payload: row.payload,
    createdAt: row.created_at,
  }));
}

export async function markPublished(tx: Queryable, ids: number[]): Promise<void> {
  if (ids.length === 0) return;
  await tx.query('UPDATE outbox SET published_at = now() WHERE id = ANY($1::bigint[])', [ids]);
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
