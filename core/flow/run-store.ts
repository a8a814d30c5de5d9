import type { Queryable } from '../store/db.ts';
import type { TriggerEvent } from './define.ts';

export type RunStatus = 'running' | 'succeeded' | 'failed' | 'halted';
export type StepStatus = 'running' | 'done' | 'failed' | 'halted';

export interface FlowStepRecord {
  step: string;
  position: number;
  status: StepStatus;
  output: unknown;
  error: string | null;
  attempts: number;
  startedAt: string;
  finishedAt: string | null;
}

export interface FlowRunRecord {
  id: string;
  flow: string;
  key: string | null;
  trigger: TriggerEvent;
  status: RunStatus;
  context: Record<string, unknown>;
  error: string | null;
  startedAt: string;
  finishedAt: string | null;
}

const runColumns = `id, flow, run_key AS "key", trigger, status, context, error, started_at AS "startedAt", finished_at AS "finishedAt"`;

/** Inserts a run unless one with the same flow and key exists; answers the new run or undefined. */
export async function insertRun(
  db: Queryable,
  run: { id: string; flow: string; key: string; trigger: TriggerEvent },
): Promise<FlowRunRecord | undefined> {
  const { rows } = await db.query<FlowRunRecord>(
    `INSERT INTO flow_runs (id, flow, run_key, trigger, status) VALUES ($1, $2, $3, $4, 'running')
     ON CONFLICT (flow, run_key) WHERE run_key IS NOT NULL DO NOTHING RETURNING ${runColumns}`,
    [run.id, run.flow, run.key, JSON.stringify(run.trigger)],
  );
  return rows[0];
}

export async function findRunByKey(
  db: Queryable,
  flow: string,
  key: string,
): Promise<FlowRunRecord | undefined> {
  const { rows } = await db.query<FlowRunRecord>(
    `SELECT ${runColumns} FROM flow_runs WHERE flow = $1 AND run_key = $2`,
    [flow, key],
  );
  return rows[0];
}

export async function getRun(db: Queryable, id: string): Promise<FlowRunRecord | undefined> {
  const { rows } = await db.query<FlowRunRecord>(`SELECT ${runColumns} FROM flow_runs WHERE id = $1`, [id]);
  return rows[0];
}

/** Takes a failed or halted run for a replay; undefined when it is not in such a state (or another replay took it). */
export async function claimForReplay(db: Queryable, id: string): Promise<FlowRunRecord | undefined> {
  const { rows } = await db.query<FlowRunRecord>(
    `UPDATE flow_runs SET status = 'running', error = NULL, finished_at = NULL WHERE id = $1 AND status IN ('failed', 'halted') RETURNING ${runColumns}`,
    [id],
  );
  return rows[0];
}

export async function finishRun(
  db: Queryable,
  id: string,
  status: RunStatus,
  fields: { error?: string; context?: Record<string, unknown> },
): Promise<void> {
  await db.query(
    `UPDATE flow_runs SET status = $2, error = $3, context = context || $4::jsonb, finished_at = now() WHERE id = $1`,
    [id, status, fields.error ?? null, JSON.stringify(fields.context ?? {})],
  );
}

export async function stepsOf(db: Queryable, runId: string): Promise<FlowStepRecord[]> {
  const { rows } = await db.query<FlowStepRecord>(
    `SELECT step, position, status, output, error, attempts, started_at AS "startedAt", finished_at AS "finishedAt"
     FROM flow_steps WHERE run_id = $1 ORDER BY position`,
    [runId],
  );
  return rows;
}

export async function startStep(db: Queryable, runId: string, step: string, position: number): Promise<void> {
  await db.query(
    `INSERT INTO flow_steps (run_id, step, position, status) VALUES ($1, $2, $3, 'running')
     ON CONFLICT (run_id, step) DO UPDATE SET status = 'running', error = NULL, output = NULL, started_at = now(),
       finished_at = NULL, attempts = flow_steps.attempts + 1`,
    [runId, step, position],
  );
}

export async function finishStep(
  db: Queryable,
  runId: string,
  step: string,
  status: StepStatus,
  fields: { output?: unknown; error?: string },
): Promise<void> {
  await db.query(
    `UPDATE flow_steps SET status = $3, output = $4, error = $5, finished_at = now() WHERE run_id = $1 AND step = $2`,
    [
      runId,
      step,
      status,
      fields.output === undefined ? null : JSON.stringify(fields.output),
      fields.error ?? null,
    ],
  );
}

export interface RunFilter {
  flow?: string;
  status?: RunStatus;
}

export async function listRuns(db: Queryable, filter: RunFilter, page: { limit: number; offset: number }) {
  const params: unknown[] = [filter.flow ?? null, filter.status ?? null];
  const where = `WHERE ($1::text IS NULL OR flow = $1) AND ($2::text IS NULL OR status = $2)`;
  const [items, total] = await Promise.all([
    db.query<FlowRunRecord>(
      `SELECT ${runColumns} FROM flow_runs ${where} ORDER BY started_at DESC, id LIMIT $3 OFFSET $4`,
      [...params, page.limit, page.offset],
    ),
    db.query<{ count: number }>(`SELECT count(*)::int AS count FROM flow_runs ${where}`, params),
  ]);
  return { items: items.rows, total: total.rows[0]?.count ?? 0 };
}
