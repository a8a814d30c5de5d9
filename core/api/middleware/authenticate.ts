import { parse as parseCookies } from 'cookie';
import type { Request, RequestHandler } from 'express';
import type { Hub } from '../../runtime/hub.ts';
import type { Principal } from '../../security/roles.ts';
import { resolveSession } from '../../security/sessions.ts';
import { resolveToken } from '../../security/tokens.ts';
import { recordAudit } from '../../store/repos/audit.ts';

declare global {
  namespace Express {
    interface Request {
      principal?: Principal;
    }
  }
}

export const SESSION_COOKIE = 'thub_session';

export function sessionIdOf(req: Request): string | undefined {
  const header = req.headers.cookie;
  return header ? parseCookies(header)[SESSION_COOKIE] : undefined;
}

function bearerOf(req: Request): string | undefined {
  const match = /^Bearer\s+(\S+)$/i.exec(req.header('authorization') ?? '');
  return match?.[1];
}

/**
 * Works out who is calling, from `Authorization: Bearer <token>` or the session cookie, and never
 * rejects: the authorize middleware decides. Every request made with a token is audited.
 */
export function authenticate(hub: Hub): RequestHandler {
  return async (req, _res, next) => {
    const bearer = bearerOf(req);
    if (bearer) {
      const found = await resolveToken(hub.store.db, bearer);
      if (found) {
        req.principal = {
          userId: found.userId,
          email: found.email,
          role: found.role,
          via: 'token',
          tokenId: found.tokenId,
        };
        await recordAudit(hub.store.db, {
          actor: found.email,
          action: 'token.use',
          target: found.tokenId,
          details: { method: req.method, path: req.originalUrl.split('?')[0] },
        });
      }
      return next();
    }
    const sessionId = sessionIdOf(req);
    if (sessionId) {
      const session = await resolveSession(hub.store.db, sessionId);
      if (session)
        req.principal = {
          userId: session.userId,
          email: session.email,
          role: session.role,
          via: 'session',
          csrfToken: session.csrfToken,
        };
    }
    next();
  };
}
