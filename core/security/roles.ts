import { z } from 'zod';

/** Ordered from least to most power: each role can do everything the roles before it can. */
export const roles = ['viewer', 'operator', 'admin'] as const;
export type Role = (typeof roles)[number];
export const roleSchema = z.enum(roles);

/** Token scopes cap what a token may do, whatever its owner's role. */
export const scopes = ['read', 'operate', 'admin'] as const;
export type Scope = (typeof scopes)[number];
export const scopeSchema = z.enum(scopes);

const roleOfScope: Record<Scope, Role> = { read: 'viewer', operate: 'operator', admin: 'admin' };
const scopeOfRole: Record<Role, Scope> = { viewer: 'read', operator: 'operate', admin: 'admin' };

export function roleRank(role: Role): number {
  return roles.indexOf(role);
}

export function hasRole(actual: Role, needed: Role): boolean {
  return roleRank(actual) >= roleRank(needed);
}

/** The lower of the owner's role and the strongest scope of the token. */
export function effectiveRole(userRole: Role, tokenScopes: readonly Scope[]): Role {
  const strongest = tokenScopes
    .map((scope) => roleOfScope[scope])
    .reduce<Role | undefined>(
      (best, role) => (!best || roleRank(role) > roleRank(best) ? role : best),
      undefined,
    );
  if (!strongest) return 'viewer';
  return roleRank(strongest) < roleRank(userRole) ? strongest : userRole;
}

/** The scopes a user of this role may give a token. */
export function scopesAllowedFor(role: Role): Scope[] {
  return scopes.slice(0, scopes.indexOf(scopeOfRole[role]) + 1);
}

/** Who is calling: set on every authenticated request. */
export interface Principal {
  userId: string;
  email: string;
  role: Role;
  via: 'session' | 'token';
  tokenId?: string;
  csrfToken?: string;
}
