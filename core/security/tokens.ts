import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { HubError } from '../errors/index.ts';
import type { Queryable } from '../store/db.ts';
import { accessDenied } from './access-denied.ts';
import { effectiveRole, type Role, type Scope, scopesAllowedFor } from './roles.ts';

export interface ApiToken {
  id: string;
  userId: string;
  name: string;
  scopes: Scope[];
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

interface TokenRow {
  id: string;
  user_id: string;
  name: string;
  scopes: Scope[];
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

const TOKEN_PREFIX = 'thub_';

const toToken = (row: TokenRow): ApiToken => ({
  id: row.id,
  userId: row.user_id,
  name: row.name,
  scopes: row.scopes,
  createdAt: row.created_at,
  lastUsedAt: row.last_used_at,
  revokedAt: row.revoked_at,
});

/** Tokens carry 256 random bits, so one unsalted SHA-256 is enough to make the stored value useless. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Creates a token and returns its value: the only time it is ever shown. */
export async function createToken(
  db: Queryable,
  input: { userId: string; userRole: Role; name: string; scopes: Scope[] },
): Promise<{ token: string; record: ApiToken }> {
  const allowed = scopesAllowedFor(input.userRole);
  const refused = input.scopes.find((scope) => !allowed.includes(scope));
  if (refused)
    throw accessDenied('scope_not_allowed', `a ${input.userRole} cannot grant the scope "${refused}"`, {
      fieldPath: 'scopes',
    });
  const token = `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
  const { rows } = await db.query<TokenRow>(
    'INSERT INTO api_tokens (id, user_id, name, token_hash, scopes) VALUES ($1, $2, $3, $4, $5) RETURNING *',
    [randomUUID(), input.userId, input.name, hashToken(token), input.scopes],
  );
  return { token, record: toToken(rows[0]!) };
}

export async function listTokens(
  db: Queryable,
  filter: { userId?: string },
  page: { limit: number; offset: number },
) {
  const where = 'WHERE ($1::uuid IS NULL OR user_id = $1)';
  const [items, total] = await Promise.all([
    db.query<TokenRow>(`SELECT * FROM api_tokens ${where} ORDER BY created_at DESC, id LIMIT $2 OFFSET $3`, [
      filter.userId ?? null,
      page.limit,
      page.offset,
    ]),
    db.query<{ n: number }>(`SELECT count(*)::int AS n FROM api_tokens ${where}`, [filter.userId ?? null]),
  ]);
  return { items: items.rows.map(toToken), total: total.rows[0]?.n ?? 0 };
}

export async function getToken(db: Queryable, id: string): Promise<ApiToken> {
  const { rows } = await db.query<TokenRow>('SELECT * FROM api_tokens WHERE id = $1', [id]);
  if (!rows[0]) throw new HubError('not_found', 'token_not_found', `No API token ${id}`);
  return toToken(rows[0]);
}

export async function revokeToken(db: Queryable, id: string): Promise<ApiToken> {
  await db.query('UPDATE api_tokens SET revoked_at = coalesce(revoked_at, now()) WHERE id = $1', [id]);
  return getToken(db, id);
}

/** Resolves a presented token to its owner and effective role; undefined when unknown, revoked or the owner is disabled. */
export async function resolveToken(db: Queryable, token: string) {
  if (!token.startsWith(TOKEN_PREFIX)) return undefined;
  const { rows } = await db.query<{
    id: string;
    scopes: Scope[];
    user_id: string;
    email: string;
    role: Role;
  }>(
    `UPDATE api_tokens t SET last_used_at = now() FROM users u
     WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND u.id = t.user_id AND NOT u.disabled
     RETURNING t.id, t.scopes, t.user_id, u.email, u.role`,
    [hashToken(token)],
  );
  const row = rows[0];
  if (!row) return undefined;
  return {
    tokenId: row.id,
    userId: row.user_id,
    email: row.email,
    role: effectiveRole(row.role, row.scopes),
  };
}
