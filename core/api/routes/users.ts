import { Router } from 'express';
import { z } from 'zod';
import { HubError } from '../../errors/index.ts';
import type { Hub } from '../../runtime/hub.ts';
import { roleSchema } from '../../security/roles.ts';
import { createUser, deleteUser, getUser, listUsers, updateUser } from '../../security/users.ts';
import { paged, pageQuerySchema, parseBody, parseQuery, uuidParam } from '../validate.ts';

export const userSchema = z.object({
  id: z.string(),
  email: z.string(),
  role: roleSchema,
  disabled: z.boolean(),
  createdAt: z.string(),
});
export const createUserBodySchema = z.object({
  email: z.email(),
  role: roleSchema,
  password: z.string().min(10).max(1000),
});
export const updateUserBodySchema = z.object({
  role: roleSchema.optional(),
  disabled: z.boolean().optional(),
  password: z.string().min(10).max(1000).optional(),
});

const userNotFound = (id: string) => new HubError('not_found', 'user_not_found', `No user ${id}`);

export function userRoutes(hub: Hub): Router {
  const router = Router();
  router.get('/users', async (req, res) => {
    const page = parseQuery(pageQuerySchema, req);
    const { items, total } = await listUsers(hub.store.db, page);
    res.json(paged(items, total, page));
  });
  router.post('/users', async (req, res) => {
    const body = parseBody(createUserBodySchema, req);
    const user = await createUser(hub.store.db, body);
    res.locals.auditTarget = user.id;
    res.locals.auditDetails = { email: user.email, role: user.role };
    res.status(201).json(user);
  });
  router.patch('/users/:id', async (req, res) => {
    const id = uuidParam(req.params.id, userNotFound);
    const body = parseBody(updateUserBodySchema, req);
    if (id === req.principal?.userId && (body.disabled || (body.role && body.role !== 'admin'))) {
      throw new HubError(
        'invalid_data',
        'cannot_demote_self',
        'You cannot disable yourself or lower your own role; ask another admin',
        { fieldPath: body.disabled ? 'disabled' : 'role' },
      );
    }
    const before = await getUser(hub.store.db, id);
    const user = await updateUser(hub.store.db, id, body);
    res.locals.auditDetails = {
      email: user.email,
      role: { from: before.role, to: user.role },
      disabled: user.disabled,
      passwordChanged: body.password !== undefined,
    };
    res.json(user);
  });
  router.delete('/users/:id', async (req, res) => {
    const id = uuidParam(req.params.id, userNotFound);
    if (id === req.principal?.userId)
      throw new HubError('invalid_data', 'cannot_delete_self', 'You cannot delete yourself');
    const user = await getUser(hub.store.db, id);
    await deleteUser(hub.store.db, user.id);
    res.locals.auditDetails = { email: user.email };
    res.json({ id: user.id, deleted: true });
  });
  return router;
}
