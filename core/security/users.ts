import { randomUUID } from 'node:crypto';
import { HubError } from '../errors/index.ts';
import type { Queryable } from '../store/db.ts';
import { assertPasswordStrength, hashPassword } from './passwords.ts';
import type { Role } from './roles.ts';

export interface User {
  id: string;
  email: string;
  role: Role;
  disabled: boolean;
  createdAt: string;
}

interface UserRow {
  id: string;
  email: string;
  role: Role;
  disabled: boolean;
  created_at: string;
  password_hash: string;
}

const toUser = (row: UserRow): User => ({
  id: row.id,
  email: row.email,
  role: row.role,
  disabled: row.disabled,
  createdAt: row.created_at,
});

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

export async function createUser(
  db: Queryable,
  input: { email: string; role: Role; password: string },
): Promise<User> {
  assertPasswordStrength(input.password);
  const email = normalizeEmail(input.email);
  // ON CONFLICT rather than a look-up first: two creates of one email at once get one user and one conflict.
  const { rows } = await db.query<UserRow>(
    'INSERT INTO users (id, email, password_hash, role) VALUES ($1, $2, $3, $4) ON CONFLICT (email) DO NOTHING RETURNING *',
    [randomUUID(), email, await hashPassword(input.password), input.role],
  );
  if (!rows[0])
    throw new HubError('conflict', 'user_exists', `A user with email ${email} already exists`, {
      fieldPath: 'email',
    });
  return toUser(rows[0]);
}

export async function listUsers(
  db: Queryable,
  page: { limit: number; offset: number },
): Promise<{ items: User[]; total: number }> {
  const [items, total] = await Promise.all([
    db.query<UserRow>('SELECT * FROM users ORDER BY email LIMIT $1 OFFSET $2', [page.limit, page.offset]),
    db.query<{ n: number }>('SELECT count(*)::int AS n FROM users'),
  ]);
  return { items: items.rows.map(toUser), total: total.rows[0]?.n ?? 0 };
}

export async function getUser(db: Queryable, id: string): Promise<User> {
  const { rows } = await db.query<UserRow>('SELECT * FROM users WHERE id = $1', [id]);
  if (!rows[0]) throw new HubError('not_found', 'user_not_found', `No user ${id}`);
  return toUser(rows[0]);
}

/** The user with its password hash, for sign-in only. */
export async function findUserForLogin(
  db: Queryable,
  email: string,
): Promise<(User & { passwordHash: string }) | undefined> {
  const { rows } = await db.query<UserRow>('SELECT * FROM users WHERE email = $1', [normalizeEmail(email)]);
  return rows[0] ? { ...toUser(rows[0]), passwordHash: rows[0].password_hash } : undefined;
}

export async function updateUser(
  db: Queryable,
  id: string,
  changes: { role?: Role; disabled?: boolean; password?: string },
): Promise<User> {
  await getUser(db, id);
  if (changes.password !== undefined) {
    assertPasswordStrength(changes.password);
    await db.query('UPDATE users SET password_hash = $2 WHERE id = $1', [
      id,
      await hashPassword(changes.password),
    ]);
  }
  if (changes.role !== undefined)
    await db.query('UPDATE users SET role = $2 WHERE id = $1', [id, changes.role]);
  if (changes.disabled !== undefined)
    await db.query('UPDATE users SET disabled = $2 WHERE id = $1', [id, changes.disabled]);
  if (changes.disabled || changes.password !== undefined)
    await db.query('DELETE FROM sessions WHERE user_id = $1', [id]);
  return getUser(db, id);
}

export async function deleteUser(db: Queryable, id: string): Promise<void> {
  await getUser(db, id);
  await db.query('DELETE FROM users WHERE id = $1', [id]);
}

export async function countUsers(db: Queryable): Promise<number> {
  const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM users');
  return rows[0]?.n ?? 0;
}
