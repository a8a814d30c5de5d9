import { type Response, Router } from 'express';
import { z } from 'zod';
import { HubError } from '../../errors/index.ts';
import type { Hub } from '../../runtime/hub.ts';
import { decoyPasswordHash, verifyPassword } from '../../security/passwords.ts';
import { createSession, deleteSession, SESSION_TTL_MS } from '../../security/sessions.ts';
import { countUsers, findUserForLogin } from '../../security/users.ts';
import { recordAudit } from '../../store/repos/audit.ts';
import { SESSION_COOKIE, sessionIdOf } from '../middleware/authenticate.ts';
import { loginRateLimit } from '../middleware/login-limit.ts';
import { parseBody } from '../validate.ts';

export const loginBodySchema = z.object({
  email: z.string().min(3).max(320),
  password: z.string().min(1).max(1000),
});
export const meSchema = z.object({
  userId: z.string(),
  email: z.string(),
  role: z.enum(['viewer', 'operator', 'admin']),
  via: z.enum(['session', 'token']),
  csrfToken: z.string().optional(),
});
export const authStatusSchema = z.object({ hasUsers: z.boolean(), signedIn: z.boolean() });

function setSessionCookie(res: Response, value: string, secure: boolean, maxAge: number) {
  res.cookie(SESSION_COOKIE, value, { httpOnly: true, sameSite: 'strict', secure, path: '/', maxAge });
}

export function authRoutes(hub: Hub, options: { loginLimit?: number } = {}): Router {
  const router = Router();
  router.get('/auth/status', async (req, res) => {
    res.json({ hasUsers: (await countUsers(hub.store.db)) > 0, signedIn: Boolean(req.principal) });
  });
  router.post('/auth/login', loginRateLimit({ limit: options.loginLimit }), async (req, res) => {
    const body = parseBody(loginBodySchema, req);
    const user = await findUserForLogin(hub.store.db, body.email);
    const ok = await verifyPassword(user?.passwordHash ?? (await decoyPasswordHash()), body.password);
    if (!user || !ok || user.disabled) {
      await recordAudit(hub.store.db, {
        actor: body.email.trim().toLowerCase(),
        action: 'auth.login_failed',
        details: { ip: req.ip, reason: user?.disabled ? 'disabled' : 'bad_credentials' },
      });
      throw new HubError('auth', 'invalid_credentials', 'Wrong email or password');
    }
    const session = await createSession(hub.store.db, user.id);
    await recordAudit(hub.store.db, {
      actor: user.email,
      action: 'auth.login',
      target: user.id,
      details: { ip: req.ip },
    });
    setSessionCookie(res, session.sessionId, req.secure, SESSION_TTL_MS);
    res.json({
      userId: user.id,
      email: user.email,
      role: user.role,
      via: 'session',
      csrfToken: session.csrfToken,
    });
  });
  router.post('/auth/logout', async (req, res) => {
    const sessionId = sessionIdOf(req);
    if (sessionId) await deleteSession(hub.store.db, sessionId);
    setSessionCookie(res, '', req.secure, 0);
    res.json({ signedOut: true });
  });
  router.get('/auth/me', (req, res) => {
    const principal = req.principal!;
    res.json({
      userId: principal.userId,
      email: principal.email,
      role: principal.role,
      via: principal.via,
      csrfToken: principal.csrfToken,
    });
  });
  return router;
}
