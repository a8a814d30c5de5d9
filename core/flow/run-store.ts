import type { Queryable } from '../store/db.ts';
import type { TriggerEvent } from './define.ts';
import type { Shortfall } from './partial.ts';

/**
 * `waiting`: a step waits for a record another flow is still creating; the run goes on later by
 * itself. `partial`: every step took effect, but one or more reported what they left undone (the
 * run's context names it under `partial`); it ends there, as `succeeded` does.
 */
export const runStatuses = ['running', 'waiting', 'succeeded', 'partial', 'failed', 'halted'] as const;
export type RunStatus = (typeof runStatuses)[number];
export type StepStatus = 'running' | 'done' | 'failed' | 'halted' | 'waiting';

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
  /** The worker (process and attempt) that runs or last ran it. */
  claimedBy: string | null;
  /**
   * While running: when another worker may take the run over; renewed as its steps progress. While
   * waiting: when the run is tried again.
   */
  leaseUntil: string | null;
}

/** A worker's hold on a run: who holds it, and for how long each renewal lasts. */
export interface RunLease {
  holder: string;
  ms: number;
}

const runColumns = `id, flow, run_key AS "key", trigger, status, context, error, started_at AS "startedAt",
  finished_at AS "finishedAt", claimed_by AS "claimedBy", lease_until AS "leaseUntil"`;

const leaseEnd = (param: string) => `now() + ${param} * interval '1 millisecond'`;

/** Inserts a run, held by `lease`, unless one with the same flow and key exists; answers the new run or undefined. */
export async function insertRun(
  db: Queryable,
  run: { id: string; flow: string; key: string; trigger: TriggerEvent },
  lease: RunLease,
): Promise<FlowRunRecord | undefined> {
  const { rows } = await db.query<FlowRunRecord>(
    `INSERT INTO flow_runs (id, flow, run_key, trigger, status, claimed_by, lease_until)
     VALUES ($1, $2, $3, $4, 'running', $5, ${leaseEnd('$6')})
     ON CONFLICT (flow, run_key) WHERE run_key IS NOT NULL DO NOTHING RETURNING ${runColumns}`,
    [run.id, run.flow, run.key, JSON.stringify(run.trigger), lease.holder, lease.ms],
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

/** Kept in a run's context by the wait retry that took it up last (claimRun drops it). */
const TAKEN_UP_FOR_WAIT = 'takenUpForWait';

/**
 * Takes a run for `lease` if it is in one of `from` (compare-and-set, so one worker wins): 'running'
 * takes only a run whose lease has run out, its worker being gone. Undefined when the run is not.
 */
export async function claimRun(
  db: Queryable,
  id: string,
  lease: RunLease,
  from: RunStatus[],
): Promise<FlowRunRecord | undefined> {
  const { rows } = await db.query<FlowRunRecord>(
    `UPDATE flow_runs SET status = 'running', error = NULL, finished_at = NULL, claimed_by = $2, lease_until = ${leaseEnd('$3')},
       context = context - '${TAKEN_UP_FOR_WAIT}'
     WHERE id = $1 AND status = ANY($4::text[]) AND (status <> 'running' OR lease_until IS NULL OR lease_until < now())
     RETURNING ${runColumns}`,
    [id, lease.holder, lease.ms, from],
  );
  return rows[0];
}

/** One wait of a run, as its context's `waiting` names it: the step, when it began, which try. */
export interface WaitMark {
  step: string;
  since: string;
  tries: number;
}

/**
 * Takes a run of `run.flow` for the retry of its wait `wait`: only while it still waits on that very wait, or,
 * with `retrying` (the retry's own next try), while it is failed after that retry took it up
 * last. Undefined when the run has moved on; nothing changes then.
 */
export async function claimForWaitRetry(
  db: Queryable,
  run: { id: string; flow: string },
  lease: RunLease,
  wait: WaitMark,
  retrying: boolean,
): Promise<FlowRunRecord | undefined> {
  const mark = JSON.stringify({ step: wait.step, since: wait.since, tries: wait.tries });
  const { rows } = await db.query<FlowRunRecord>(
    `UPDATE flow_runs SET status = 'running', error = NULL, finished_at = NULL, claimed_by = $2, lease_until = ${leaseEnd('$3')},
       context = context || jsonb_build_object('${TAKEN_UP_FOR_WAIT}', $4::jsonb)
     WHERE id = $1 AND flow = $6 AND ((status = 'waiting' AND context->'waiting' @> $4::jsonb)
       OR ($5::boolean AND status = 'failed' AND context->'${TAKEN_UP_FOR_WAIT}' = $4::jsonb))
     RETURNING ${runColumns}`,
    [run.id, lease.holder, lease.ms, mark, retrying, run.flow],
  );
  return rows[0];
}

/** Extends the lease if `lease` still holds the running run; false when another worker took it over. */
export async function renewLease(db: Queryable, id: string, lease: RunLease): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE flow_runs SET lease_until = ${leaseEnd('$3')} WHERE id = $1 AND claimed_by = $2 AND status = 'running'`,
    [id, lease.holder, lease.ms],
  );
  return rowCount > 0;
}

/** Ends a run its lease still holds; false (and nothing changed) when another worker took it over. */
export async function finishRun(
  db: Queryable,
  id: string,
  lease: RunLease,
  status: RunStatus,
  fields: { error?: string; context?: Record<string, unknown> },
): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE flow_runs SET status = $3, error = $4, context = context || $5::jsonb, finished_at = now(), lease_until = NULL
     WHERE id = $1 AND claimed_by = $2 AND status = 'running'`,
    [id, lease.holder, status, fields.error ?? null, JSON.stringify(fields.context ?? {})],
  );
  return rowCount > 0;
}

/**
 * Parks a run its lease still holds as waiting, to be tried again at `retryInMs` from now (kept as
 * its `lease_until`); false (and nothing changed) when another worker took it over.
 */
export async function parkRun(
  db: Queryable,
  id: string,
  lease: RunLease,
  retryInMs: number,
  context: Record<string, unknown>,
): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE flow_runs SET status = 'waiting', error = NULL, context = context || $4::jsonb, finished_at = NULL,
       lease_until = ${leaseEnd('$3')}
     WHERE id = $1 AND claimed_by = $2 AND status = 'running'`,
    [id, lease.holder, retryInMs, JSON.stringify(context)],
  );
  return rowCount > 0;
}

/** Runs whose step waits for the paused connection `connectionId` (see RunWait.pausedConnection). */
export async function runsWaitingOnConnection(
  db: Queryable,
  connectionId: string,
  limit: number,
): Promise<FlowRunRecord[]> {
  const { rows } = await db.query<FlowRunRecord>(
    `SELECT ${runColumns} FROM flow_runs
     WHERE status = 'waiting' AND context->'waiting'->>'pausedConnection' = $1 ORDER BY started_at LIMIT $2`,
    [connectionId, limit],
  );
  return rows;
}

/** How long past its retry time a waiting run is left to its delayed job before the sweep queues it again. */
export const WAITING_RUN_GRACE_MS = 60_000;

/**
 * Runs of these flows that nothing drives any more: running ones whose lease has run out (their
 * worker died), and waiting ones well past their retry time (the queue lost the delayed job).
 */
export async function expiredRuns(db: Queryable, flows: string[], limit: number): Promise<FlowRunRecord[]> {
  // Two selects: the running one keeps to its partial index on lease_until.
  const { rows } = await db.query<FlowRunRecord>(
    `(SELECT ${runColumns} FROM flow_runs
      WHERE status = 'running' AND (lease_until IS NULL OR lease_until < now()) AND flow = ANY($1::text[]) AND run_key IS NOT NULL)
     UNION ALL
     (SELECT ${runColumns} FROM flow_runs
      WHERE status = 'waiting' AND lease_until < now() - $3 * interval '1 millisecond' AND flow = ANY($1::text[]) AND run_key IS NOT NULL)
     ORDER BY "leaseUntil" NULLS FIRST LIMIT $2`,
    [flows, limit, WAITING_RUN_GRACE_MS],
  );
  return rows;
}

export async function stepsOf(db: Queryable, runId: string): Promise<FlowStepRecord[]> {
  const { rows } = await db.query<FlowStepRecord>(
    `SELECT step, position, status, output, error, attempts, started_at AS "startedAt", finished_at AS "finishedAt"
     FROM flow_steps WHERE run_id = $1 ORDER BY position`,
    [runId],
  );
  return rows;
}

/** The outputs of the steps of a run that took effect, by step: a run going on again skips them. */
export async function doneOutputs(db: Queryable, runId: string): Promise<Map<string, unknown>> {
  const { rows } = await db.query<{ step: string; output: unknown }>(
    `SELECT step, output FROM flow_steps WHERE run_id = $1 AND status = 'done'`,
    [runId],
  );
  return new Map(rows.map((row) => [row.step, row.output]));
}

/** Records a step as running; answers its attempt number (1 the first time). */
export async function startStep(
  db: Queryable,
  runId: string,
  step: string,
  position: number,
): Promise<number> {
  const { rows } = await db.query<{ attempts: number }>(
    `INSERT INTO flow_steps (run_id, step, position, status) VALUES ($1, $2, $3, 'running')
     ON CONFLICT (run_id, step) DO UPDATE SET status = 'running', error = NULL, output = NULL, started_at = now(),
       finished_at = NULL, attempts = flow_steps.attempts + 1
     RETURNING attempts`,
    [runId, step, position],
  );
  return rows[0]!.attempts;
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

/**
 * Keeps what `step` left undone in the run's context (`partial`, by step), beside the other steps'
 * reports; without a shortfall, drops the step's earlier report.
 */
export async function recordShortfall(
  db: Queryable,
  runId: string,
  step: string,
  shortfall: Shortfall | undefined,
): Promise<void> {
  if (!shortfall) {
    // The step ran again and left nothing undone: its earlier report goes, and `partial` with it when empty.
    await db.query(
      `UPDATE flow_runs SET context = CASE WHEN (context->'partial') - $2::text = '{}'::jsonb THEN context - 'partial'
         ELSE jsonb_set(context, '{partial}', (context->'partial') - $2::text) END
       WHERE id = $1 AND jsonb_typeof(context->'partial') = 'object'`,
      [runId, step],
    );
    return;
  }
  await db.query(
    `UPDATE flow_runs SET context = context || jsonb_build_object('partial',
       coalesce(context->'partial', '{}'::jsonb) || jsonb_build_object($2::text, $3::jsonb))
     WHERE id = $1`,
    [runId, step, JSON.stringify(shortfall)],
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
