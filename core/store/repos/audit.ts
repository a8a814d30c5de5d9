import type { Queryable } from '../db.ts';

export interface AuditEntry {
  actor: string;
  action: string;
  target?: string;
  details?: Record<string, unknown>;
}

export async function recordAudit(db: Queryable, entry: AuditEntry): Promise<void> {
  await db.query('INSERT INTO audit_log (actor, action, target, details) VALUES ($1, $2, $3, $4)', [
    entry.actor,
    entry.action,
    entry.target ?? null,
    JSON.stringify(entry.details ?? {}),
  ]);
}

export async function listAudit(db: Queryable, limit = 100, offset = 0) {
  const { rows } = await db.query('SELECT * FROM audit_log ORDER BY id DESC LIMIT $1 OFFSET $2', [
    limit,
    offset,
  ]);
  return rows;
}
