import { timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { HubError } from '../../errors/index.ts';
import { accessDenied } from '../../security/access-denied.ts';
import { hasRole } from '../../security/roles.ts';
import { type ApiOperation, findOperation } from '../openapi/operations.ts';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

function sameToken(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

const unauthenticated = () =>
  new HubError('auth', 'unauthenticated', 'Sign in, or send Authorization: Bearer <token>');

/**
 * 401 without credentials, 403 when the role is too low (a session may need a lower one than a
 * token: see ApiOperation.sessionRole) or a cookie session sends a changing request without its
 * CSRF token (header X-CSRF-Token). Bearer tokens need no CSRF token: a browser never attaches
 * them on its own. A request that matches no operation is answered 404 and never reaches a
 * handler: no route can run without its role check and audit entry.
 */
export function authorize(operations: ApiOperation[]): RequestHandler {
  return (req, res, next) => {
    const path = `${req.baseUrl}${req.path}`;
    const operation = findOperation(operations, req.method, path);
    if (!operation) {
      if (!req.principal) throw unauthenticated();
      throw new HubError('not_found', 'route_not_found', `No route ${req.method} ${path}`);
    }
    res.locals.operation = operation;
    if (operation.role === 'public') return next();
    const principal = req.principal;
    if (!principal) throw unauthenticated();
    const needed =
      principal.via === 'session' && operation.sessionRole ? operation.sessionRole : operation.role;
    if (principal.via === 'session' && !SAFE_METHODS.has(req.method)) {
      const given = req.header('x-csrf-token') ?? '';
      if (!principal.csrfToken || !sameToken(given, principal.csrfToken)) {
        throw accessDenied('csrf_token_invalid', 'Missing or wrong X-CSRF-Token header for this session');
      }
    }
    if (!hasRole(principal.role, needed)) {
      const signInHint = operation.sessionRole ? ` (signed in, ${operation.sessionRole} is enough)` : '';
      throw accessDenied(
        'role_too_low',
        `${req.method} ${path} needs the ${needed} role${signInHint}; you are ${principal.role}`,
        { details: { needed, role: principal.role } },
      );
    }
    next();
  };
}
