import { Router } from 'express';
import { z } from 'zod';
import type { Hub } from '../../runtime/hub.ts';
import { paged, pageQuerySchema, parseQuery } from '../validate.ts';

export const auditQuerySchema = pageQuerySchema.extend({
  action: z.string().optional(),
  actor: z.string().optional(),
  target: z.string().optional(),
});
export const auditEntrySchema = z.object({
  id: z.number(),
  at: z.string(),
  actor: z.string(),
  action: z.string(),
  target: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
});

export function auditRoutes(hub: Hub): Router {
  const router = Router();
  router.get('/audit', async (req, res) => {
    const query = parseQuery(auditQuerySchema, req);
    const where = `WHERE ($1::text IS NULL OR action LIKE $1 || '%') AND ($2::text IS NULL OR actor = $2) AND ($3::text IS NULL OR target = $3)`;
    const filter = [query.action ?? null, query.actor ?? null, query.target ?? null];
    const [items, total] = await Promise.all([
      hub.store.db.query<z.infer<typeof auditEntrySchema>>(
        `SELECT id::int AS id, at, actor, action, target, details FROM audit_log ${where} ORDER BY id DESC LIMIT $4 OFFSET $5`,
        [...filter, query.limit, query.offset],
      ),
      hub.store.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM audit_log ${where}`, filter),
    ]);
    res.json(paged(items.rows, total.rows[0]?.n ?? 0, query));
  });
  return router;
}
