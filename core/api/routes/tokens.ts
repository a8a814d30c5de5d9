import { Router } from 'express';
import { z } from 'zod';
import { HubError } from '../../errors/index.ts';
import type { Hub } from '../../runtime/hub.ts';
import { accessDenied } from '../../security/access-denied.ts';
import { hasRole, scopeSchema } from '../../security/roles.ts';
import { createToken, getToken, listTokens, revokeToken } from '../../security/tokens.ts';
import { getUser } from '../../security/users.ts';
import { paged, pageQuerySchema, parseBody, parseQuery, uuidParam } from '../validate.ts';

export const tokenSchema = z.object({
  id: z.string(),
  userId: z.string(),
  name: z.string(),
  scopes: z.array(scopeSchema),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
});
export const createTokenBodySchema = z.object({
  name: z.string().min(1).max(200),
  scopes: z.array(scopeSchema).min(1),
  /** Admins may issue a token for another user; everyone else gets their own. */
  userId: z.uuid().optional(),
});
export const tokenQuerySchema = pageQuerySchema.extend({ userId: z.uuid().optional() });

const tokenNotFound = (id: string) => new HubError('not_found', 'token_not_found', `No API token ${id}`);

/**
 * Everyone signed in manages their own tokens; an admin sees and revokes everyone's. A token may
 * create or revoke tokens only with the admin scope (the catalog's role for these operations).
 */
export function tokenRoutes(hub: Hub): Router {
  const router = Router();
  router.get('/tokens', async (req, res) => {
    const query = parseQuery(tokenQuerySchema, req);
    const principal = req.principal!;
    const userId = principal.role === 'admin' ? query.userId : principal.userId;
    const { items, total } = await listTokens(hub.store.db, { userId }, query);
    res.json(paged(items, total, query));
  });
  router.post('/tokens', async (req, res) => {
    const body = parseBody(createTokenBodySchema, req);
    const principal = req.principal!;
    if (body.userId && body.userId !== principal.userId && !hasRole(principal.role, 'admin')) {
      throw accessDenied('token_for_other_user', 'Only an admin can create a token for another user', {
        fieldPath: 'userId',
      });
    }
    // The caller's own tokens are capped by the caller's effective role; only another user's
    // token takes that user's role.
    const owner =
      body.userId && body.userId !== principal.userId
        ? await getUser(hub.store.db, body.userId)
        : { id: principal.userId, role: principal.role };
    const { token, record } = await createToken(hub.store.db, {
      userId: owner.id,
      userRole: owner.role,
      name: body.name,
      scopes: body.scopes,
    });
    res.locals.auditTarget = record.id;
    res.locals.auditDetails = { name: record.name, scopes: record.scopes, userId: owner.id };
    res.status(201).json({ ...record, token });
  });
  router.delete('/tokens/:id', async (req, res) => {
    const principal = req.principal!;
    const id = uuidParam(req.params.id, tokenNotFound);
    const token = await getToken(hub.store.db, id);
    if (token.userId !== principal.userId && principal.role !== 'admin') throw tokenNotFound(id);
    res.json(await revokeToken(hub.store.db, token.id));
  });
  return router;
}
