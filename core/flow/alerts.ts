import type { Queryable } from '../store/db.ts';

export interface FlowAlert {
  id: string;
  flow: string;
  runId: string | null;
  subjectId: string;
  subject: string;
  level: string;
  message: string;
  payload: Record<string, unknown>;
  delivery: 'pending' | 'delivered' | 'failed' | 'none';
  deliveryError: string | null;
  createdAt: string;
  deliveredAt: string | null;
}

const columns = `id, flow, run_id AS "runId", subject_id AS "subjectId", subject, level, message, payload, delivery,
  delivery_error AS "deliveryError", created_at AS "createdAt", delivered_at AS "deliveredAt"`;

/** Records alerts; an alert with an id already stored (the same run and subject) is kept as it is. */
export async function saveAlerts(
  db: Queryable,
  alerts: Array<Omit<FlowAlert, 'createdAt' | 'deliveredAt' | 'deliveryError'>>,
): Promise<void> {
  if (alerts.length === 0) return;
  await db.query(
    `INSERT INTO flow_alerts (id, flow, run_id, subject_id, subject, level, message, payload, delivery)
     SELECT id, flow, run_id, subject_id, subject, level, message, payload, delivery
     FROM jsonb_to_recordset($1::jsonb) AS a(id uuid, flow text, run_id uuid, subject_id text, subject text, level text, message text, payload jsonb, delivery text)
     ON CONFLICT (id) DO NOTHING`,
    [
      JSON.stringify(
        alerts.map((a) => ({
          id: a.id,
          flow: a.flow,
          run_id: a.runId,
          subject_id: a.subjectId,
          subject: a.subject,
          level: a.level,
          message: a.message,
          payload: a.payload,
          delivery: a.delivery,
        })),
      ),
    ],
  );
}

export async function markDelivery(
  db: Queryable,
  ids: string[],
  outcome: { delivered: boolean; error?: string },
): Promise<void> {
  await db.query(
    `UPDATE flow_alerts SET delivery = $2, delivery_error = $3, delivered_at = CASE WHEN $2 = 'delivered' THEN now() ELSE delivered_at END WHERE id = ANY($1::uuid[])`,
    [ids, outcome.delivered ? 'delivered' : 'failed', outcome.error ?? null],
  );
}

export async function listAlerts(
  db: Queryable,
  filter: { flow?: string; level?: string },
  page: { limit: number; offset: number },
) {
  const params = [filter.flow ?? null, filter.level ?? null];
  const where = 'WHERE ($1::text IS NULL OR flow = $1) AND ($2::text IS NULL OR level = $2)';
  const [items, total] = await Promise.all([
    db.query<FlowAlert>(
      `SELECT ${columns} FROM flow_alerts ${where} ORDER BY created_at DESC, id LIMIT $3 OFFSET $4`,
      [...params, page.limit, page.offset],
    ),
    db.query<{ count: number }>(`SELECT count(*)::int AS count FROM flow_alerts ${where}`, params),
  ]);
  return { items: items.rows, total: total.rows[0]?.count ?? 0 };
}
