import { randomUUID } from 'node:crypto';
import { HubError, toHubError } from '../errors/index.ts';
import { logger } from '../log/logger.ts';
import type { Hub } from '../runtime/hub.ts';
import { CONNECTION_PAUSED } from '../store/repos/connection-model.ts';
import { recordFailure, resolveFailuresFor } from '../sync/failures.ts';
import { processOwner } from '../sync/stream-lock.ts';
import type { Flow, FlowStep, RunInfo, TriggerEvent } from './define.ts';
import { enqueueWaitRetry, type WaitRetry } from './jobs.ts';
import { addShortfall, recordedShortfalls, type Shortfall, type Shortfalls } from './partial.ts';
import {
  claimForWaitRetry,
  claimRun,
  doneOutputs,
  type FlowRunRecord,
  type FlowStepRecord,
  findRunByKey,
  finishRun,
  finishStep,
  getRun,
  insertRun,
  parkRun,
  type RunLease,
  recordShortfall,
  renewLease,
  startStep,
  stepsOf,
  type WaitMark,
} from './run-store.ts';
import { loadFlowSettings } from './settings.ts';
import { decideWait, PAUSED_CONNECTION_MAX_WAIT_MS, StepWaits } from './waits.ts';

export interface FlowRunView extends FlowRunRecord {
  steps: FlowStepRecord[];
}

/**
 * How long a running run stays its worker's after its last step started or ended. A worker that
 * dies stops renewing it; once it has run out, the next trigger of the run (or the workers' sweep)
 * takes the run over. A step must end within it, or another worker runs the step again.
 */
export const FLOW_RUN_LEASE_MS = 10 * 60_000;

export interface RunOptions {
  /** @defaultValue FLOW_RUN_LEASE_MS */
  leaseMs?: number;
}

/** What an attempt at a run came to; `failure` is the error that failed the run in this attempt. */
export interface RunAttempt {
  run: FlowRunView;
  failure?: HubError;
}

/** Thrown where a worker finds that another one took its run over: it stops and records nothing more. */
class LeaseLost extends Error {}

const newLease = (options: RunOptions): RunLease => ({
  holder: `${processOwner}:${randomUUID().slice(0, 8)}`,
  ms: options.leaseMs ?? FLOW_RUN_LEASE_MS,
});

export async function viewRun(hub: Hub, id: string): Promise<FlowRunView> {
  const run = await getRun(hub.store.db, id);
  if (!run) throw new HubError('not_found', 'flow_run_not_found', `No flow run ${id}`);
  return { ...run, steps: await stepsOf(hub.store.db, id) };
}

/** Failed flow steps are filed under this connection id, one stream per step. */
export const flowFailureConnection = (flow: string) => `flow:${flow}`;

/**
 * Starts a run of `flow`. A run with the same key that exists already is answered instead: one
 * won opportunity makes one ERP order however often its record changes afterwards. That run goes
 * on first, from the step that stopped it, if it failed, waits, or its worker died (its lease ran out).
 */
export async function startFlowRun(
  hub: Hub,
  flow: Flow,
  trigger: TriggerEvent,
  key: string = randomUUID(),
  options: RunOptions = {},
): Promise<FlowRunView> {
  return (await attemptFlowRun(hub, flow, trigger, key, options)).run;
}

/** startFlowRun, also answering the error that failed the run in this attempt (the queue retries transient ones). */
export async function attemptFlowRun(
  hub: Hub,
  flow: Flow,
  trigger: TriggerEvent,
  key: string = randomUUID(),
  options: RunOptions = {},
): Promise<RunAttempt> {
  const { db } = hub.store;
  const lease = newLease(options);
  const inserted = await insertRun(db, { id: randomUUID(), flow: flow.name, key, trigger }, lease);
  if (inserted) return execute(hub, flow, inserted, lease, new Map());
  const existing = (await findRunByKey(db, flow.name, key))!;
  const claimed = await claimRun(db, existing.id, lease, ['failed', 'running', 'waiting']);
  if (!claimed) return { run: await viewRun(hub, existing.id) };
  const why = {
    running: 'its worker stopped renewing its lease',
    waiting: 'it was waiting',
    failed: 'it failed',
  }[existing.status as 'running' | 'waiting' | 'failed'];
  logger.info(`flow run goes on: ${why}`, { flow: flow.name, runId: existing.id, from: existing.claimedBy });
  return execute(hub, flow, claimed, lease, await doneOutputs(db, claimed.id));
}

/**
 * The delayed retry of a waiting run: goes on with the run only while it still waits on the wait
 * the retry was queued for (with `retrying`, the retry's own next try, also while it is failed
 * after this retry took it up). A retry outlived by its wait (the run went on at a change or a
 * replay and since waits anew, failed or succeeded) does nothing: undefined.
 */
export async function retryWaitingRun(
  hub: Hub,
  flow: Flow,
  wait: WaitRetry,
  retrying: boolean,
  options: RunOptions = {},
): Promise<RunAttempt | undefined> {
  const { db } = hub.store;
  const lease = newLease(options);
  const claimed = await claimForWaitRetry(db, { id: wait.runId, flow: flow.name }, lease, wait, retrying);
  if (!claimed) {
    const run = await getRun(db, wait.runId);
    logger.info('flow wait retry skipped: the run no longer waits on that wait', {
      flow: flow.name,
      runId: wait.runId,
      step: wait.step,
      since: wait.since,
      tries: wait.tries,
      status: run?.status ?? 'deleted',
    });
    return undefined;
  }
  return execute(hub, flow, claimed, lease, await doneOutputs(db, claimed.id), wait);
}

/**
 * Runs a failed, halted or waiting run again (or one whose worker died) from the step that stopped
 * it; the steps that took effect keep their recorded outputs.
 */
export async function replayFlowRun(
  hub: Hub,
  flow: Flow,
  runId: string,
  options: RunOptions = {},
): Promise<FlowRunView> {
  const { db } = hub.store;
  const run = await getRun(db, runId);
  if (!run) throw new HubError('not_found', 'flow_run_not_found', `No flow run ${runId}`);
  if (run.flow !== flow.name)
    throw new HubError(
      'invalid_data',
      'flow_mismatch',
      `flow run ${runId} belongs to ${run.flow}, not ${flow.name}`,
    );
  const lease = newLease(options);
  const claimed = await claimRun(db, runId, lease, ['failed', 'halted', 'running', 'waiting']);
  if (!claimed) {
    const state =
      run.status === 'running' ? `running (held by ${run.claimedBy} until ${run.leaseUntil})` : run.status;
    throw new HubError(
      'conflict',
      'flow_run_not_replayable',
      `flow run ${runId} is ${state}; only failed, halted or waiting runs, and runs whose lease ran out, are replayed`,
    );
  }
  await db.query(
    `UPDATE failed_syncs SET state = 'replayed' WHERE direction = 'flow' AND external_id = $1 AND state = 'open'`,
    [runId],
  );
  return (await execute(hub, flow, claimed, lease, await doneOutputs(db, runId))).run;
}

/** `retryOf`: the wait this attempt is the queued retry of, when it is one. */
async function execute(
  hub: Hub,
  flow: Flow,
  run: FlowRunRecord,
  lease: RunLease,
  recorded: Map<string, unknown>,
  retryOf?: WaitMark,
): Promise<RunAttempt> {
  const failure = await executeSteps(hub, flow, run, lease, recorded, retryOf);
  return { run: await viewRun(hub, run.id), failure };
}

/** Everything a step of one run needs, built once per run. */
interface RunScope {
  hub: Hub;
  flow: Flow;
  run: FlowRunRecord;
  lease: RunLease;
  info: RunInfo;
  settings: unknown;
  outputs: Record<string, unknown>;
  /** What the steps that took effect left undone, this attempt's and the earlier ones'. */
  shortfalls: Shortfalls;
  retryOf?: WaitMark;
}

/** Runs the steps not yet recorded; answers the error that failed the run, if one did. */
async function executeSteps(
  hub: Hub,
  flow: Flow,
  run: FlowRunRecord,
  lease: RunLease,
  recorded: Map<string, unknown>,
  retryOf?: WaitMark,
): Promise<HubError | undefined> {
  const info: RunInfo = { id: run.id, flow: flow.name, key: run.key ?? run.id, trigger: run.trigger };
  const scope: RunScope = {
    hub,
    flow,
    run,
    lease,
    info,
    settings: undefined,
    outputs: Object.fromEntries(recorded),
    shortfalls: recordedShortfalls(run.context),
    retryOf,
  };
  let current = '(settings)';
  try {
    scope.settings = (await loadFlowSettings(hub.store.db, flow)).settings;
    for (const [position, step] of flow.steps.entries()) {
      if (recorded.has(step.name)) continue;
      current = step.name;
      const haltReason = await runStep(scope, step, position);
      if (haltReason) {
        await endRun(scope, 'halted', { context: { haltedAt: step.name, reason: haltReason } });
        return undefined;
      }
    }
    const fellShort = Object.keys(scope.shortfalls).length > 0;
    await endRun(scope, fellShort ? 'partial' : 'succeeded', { context: { lastStep: current } });
    await hub.store.db.query(
      `UPDATE failed_syncs SET state = 'resolved', resolved_at = now() WHERE direction = 'flow' AND external_id = $1 AND state IN ('open', 'replayed')`,
      [run.id],
    );
    return undefined;
  } catch (caught) {
    if (caught instanceof LeaseLost) {
      logger.warn('flow run taken over by another worker: this one stops', {
        flow: flow.name,
        runId: run.id,
      });
      return undefined;
    }
    if (caught instanceof StepWaits) return waitRun(scope, current, caught);
    const error = toHubError(caught);
    // A system an admin paused is not down: the step waits for its resume instead of failing. A
    // scheduled flow's run stops instead, as its next tick runs afresh on the state of then (two
    // kept runs would both act on one shortfall).
    if (error.code !== CONNECTION_PAUSED) return failRun(scope, current, error);
    if (flow.trigger.kind === 'cron') return haltForPause(scope, current, error);
    return waitRun(scope, current, new StepWaits(error, PAUSED_CONNECTION_MAX_WAIT_MS));
  }
}

/** Runs one step under the run's lease, renewed as it starts and ends; answers its halt reason, if it halted. */
async function runStep(scope: RunScope, step: FlowStep, position: number): Promise<string | undefined> {
  const { hub, flow, run, info, outputs } = scope;
  const { db } = hub.store;
  await holdLease(scope);
  const attempt = await startStep(db, run.id, step.name, position);
  // A step that runs again reports afresh: what it left undone before may be done now.
  const reportedBefore = step.name in scope.shortfalls;
  delete scope.shortfalls[step.name];
  let haltReason: string | undefined;
  let shortfall: Shortfall | undefined;
  const output = await step.run({
    hub,
    run: info,
    settings: scope.settings,
    outputs,
    key: (purpose) => `flow:${flow.name}:${info.key}:${purpose}`,
    halt: (reason) => {
      haltReason = reason;
    },
    partial: (summary, undone) => {
      shortfall = addShortfall(shortfall, summary, undone);
    },
    waitFor: (missing, options) => {
      throw new StepWaits(missing, options.maxWaitMs);
    },
  });
  outputs[step.name] = output ?? null;
  await holdLease(scope);
  const status = haltReason ? 'halted' : 'done';
  const kept = haltReason ? undefined : shortfall;
  if (!kept && !reportedBefore) await finishStep(db, run.id, step.name, status, { output: output ?? null });
  else {
    // Together: a done step never runs again, so its report is kept (or dropped) with it or not at all.
    await db.transaction(async (tx) => {
      await finishStep(tx, run.id, step.name, status, { output: output ?? null });
      await recordShortfall(tx, run.id, step.name, kept);
    });
    if (kept) scope.shortfalls[step.name] = kept;
  }
  // A step that failed before is done now: its failure has healed even if a later step fails.
  if (attempt > 1 && !haltReason)
    await resolveFailuresFor(db, {
      connectionId: flowFailureConnection(flow.name),
      stream: step.name,
      direction: 'flow',
      externalIds: [run.id],
    });
  return haltReason;
}

async function holdLease({ hub, run, lease }: RunScope): Promise<void> {
  if (!(await renewLease(hub.store.db, run.id, lease))) throw new LeaseLost();
}

/** A run that waited and has now ended drops its wait: a later attempt that waits again starts a new one. */
const endOfWait = (run: FlowRunRecord) => (run.context.waiting ? { waiting: null } : {});

async function endRun(
  { hub, run, lease }: RunScope,
  status: 'succeeded' | 'partial' | 'halted',
  fields: { error?: string; context?: Record<string, unknown> },
): Promise<void> {
  const context = { ...fields.context, ...endOfWait(run) };
  if (!(await finishRun(hub.store.db, run.id, lease, status, { ...fields, context }))) throw new LeaseLost();
}

/**
 * Parks the run as waiting at `step` and queues its next attempt after a backoff; no failure is
 * filed. A step that has waited as long as it may fails the run instead.
 */
async function waitRun(scope: RunScope, step: string, waits: StepWaits): Promise<HubError | undefined> {
  const { hub, flow, run, lease, info } = scope;
  const { db } = hub.store;
  const decision = decideWait(run.context.waiting, step, waits, Date.now(), {
    byItsRetry: scope.retryOf !== undefined,
  });
  if (decision.kind === 'give-up') return failRun(scope, step, decision.error);
  if (!(await renewLease(db, run.id, lease))) return undefined;
  await finishStep(db, run.id, step, 'waiting', { error: decision.wait.reason });
  if (!(await parkRun(db, run.id, lease, decision.retryInMs, { waiting: decision.wait }))) return undefined;
  logger.info('flow run waits', { flow: flow.name, runId: run.id, step, reason: decision.wait.reason });
  const { since, tries } = decision.wait;
  await enqueueWaitRetry(
    hub,
    {
      flow: flow.name,
      key: info.key,
      trigger: run.trigger,
      waitRetry: { runId: run.id, step, since, tries },
    },
    decision.retryInMs,
  );
  return undefined;
}

/** Ends a scheduled run whose step needs a paused connection as halted, filing no failure. */
async function haltForPause(scope: RunScope, step: string, error: HubError): Promise<undefined> {
  const { hub, run, lease } = scope;
  const { db } = hub.store;
  if (!(await renewLease(db, run.id, lease))) return undefined;
  await finishStep(db, run.id, step, 'halted', { error: error.message });
  const context = { haltedAt: step, reason: error.message, ...endOfWait(run) };
  await finishRun(db, run.id, lease, 'halted', { context });
  return undefined;
}

/** Records the failed step and files the failure while the run is still held, then ends the run as failed. */
async function failRun(scope: RunScope, step: string, error: HubError): Promise<HubError | undefined> {
  const { hub, flow, run, outputs } = scope;
  const { db } = hub.store;
  logger.warn('flow step failed', { flow: flow.name, runId: run.id, step, error: error.message });
  if (!(await renewLease(db, run.id, scope.lease))) return undefined;
  await finishStep(db, run.id, step, 'failed', { error: error.message }).catch(() => undefined);
  await recordFailure(db, {
    connectionId: flowFailureConnection(flow.name),
    stream: step,
    direction: 'flow',
    externalId: run.id,
    canonicalId: run.trigger.kind === 'change' ? run.trigger.canonicalId : undefined,
    rawPayload: { trigger: run.trigger, outputs },
    error,
    context: { flow: flow.name, runId: run.id, step },
  });
  const ended = await finishRun(db, run.id, scope.lease, 'failed', {
    error: `${step}: ${error.message}`,
    context: { failedAt: step, ...endOfWait(run) },
  });
  return ended ? error : undefined;
}
