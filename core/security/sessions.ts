import { randomBytes } from 'node:crypto';
import type { Queryable } from '../store/db.ts';
import type { Role } from './roles.ts';
import { hashToken } from './tokens.ts';

export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;

/** Starts a session: the id goes into an httpOnly cookie, the CSRF token to the page. */
export async function createSession(
  db: Queryable,
  userId: string,
): Promise<{ sessionId: string; csrfToken: string; expiresAt: Date }> {
  const sessionId = randomBytes(32).toString('base64url');
  const csrfToken = randomBytes(24).toString('base64url');
  const expiresAt = new Date(Date.now() + SESSION_TTL_MS);
  await db.query('DELETE FROM sessions WHERE expires_at < now()');
  await db.query('INSERT INTO sessions (id_hash, user_id, csrf_token, expires_at) VALUES ($1, $2, $3, $4)', [
    hashToken(sessionId),
    userId,
    csrfToken,
    expiresAt.toISOString(),
  ]);
  return { sessionId, csrfToken, expiresAt };
}

export async function resolveSession(db: Queryable, sessionId: string) {
  const { rows } = await db.query<{ user_id: string; csrf_token: string; email: string; role: Role }>(
    `SELECT s.user_id, s.csrf_token, u.email, u.role FROM sessions s JOIN users u ON u.id = s.user_id
     WHERE s.id_hash = $1 AND s.expires_at > now() AND NOT u.disabled`,
    [hashToken(sessionId)],
  );
  const row = rows[0];
  return row
    ? { userId: row.user_id, email: row.email, role: row.role, csrfToken: row.csrf_token }
    : undefined;
}

export async function deleteSession(db: Queryable, sessionId: string): Promise<void> {
  await db.query('DELETE FROM sessions WHERE id_hash = $1', [hashToken(sessionId)]);
}
