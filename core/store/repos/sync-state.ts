import type { Cursor } from '../../connector/types.ts';
import type { Queryable } from '../db.ts';

export async function readCursor(
  db: Queryable,
  connectionId: string,
  stream: string,
): Promise<Cursor | undefined> {
  const { rows } = await db.query<{ cursor: Cursor }>(
    'SELECT cursor FROM sync_state WHERE connection_id = $1 AND stream = $2',
    [connectionId, stream],
  );
  return rows[0]?.cursor ?? undefined;
}

export async function saveCursor(
  db: Queryable,
  connectionId: string,
  stream: string,
  cursor: Cursor | null,
): Promise<void> {
  await db.query(
    `INSERT INTO sync_state (connection_id, stream, cursor, updated_at) VALUES ($1, $2, $3, now())
     ON CONFLICT (connection_id, stream) DO UPDATE SET cursor = EXCLUDED.cursor, updated_at = now()`,
    [connectionId, stream, JSON.stringify(cursor)],
  );
}
