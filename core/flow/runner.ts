import { randomUUID } from 'node:crypto';
import { HubError, toHubError } from '../errors/index.ts';
import { logger } from '../log/logger.ts';
import type { Hub } from '../runtime/hub.ts';
import { recordFailure } from '../sync/failures.ts';
import type { Flow, RunInfo, TriggerEvent } from './define.ts';
import {
  claimForReplay,
  type FlowRunRecord,
  type FlowStepRecord,
  findRunByKey,
  finishRun,
  finishStep,
  getRun,
  insertRun,
  startStep,
  stepsOf,
} from './run-store.ts';
import { loadFlowSettings } from './settings.ts';

export interface FlowRunView extends FlowRunRecord {
  steps: FlowStepRecord[];
}

export async function viewRun(hub: Hub, id: string): Promise<FlowRunView> {
  const run = await getRun(hub.store.db, id);
  if (!run) throw new HubError('not_found', 'flow_run_not_found', `No flow run ${id}`);
  return { ...run, steps: await stepsOf(hub.store.db, id) };
}

/** Failed flow steps are filed under this connection id, one stream per step. */
export const flowFailureConnection = (flow: string) => `flow:${flow}`;

/**
 * Starts a run of `flow`. A run with the same key that exists already is answered instead: one
 * won opportunity makes one ERP order however often its record changes afterwards.
 */
export async function startFlowRun(
  hub: Hub,
  flow: Flow,
  trigger: TriggerEvent,
  key: string = randomUUID(),
): Promise<FlowRunView> {
  const inserted = await insertRun(hub.store.db, { id: randomUUID(), flow: flow.name, key, trigger });
  if (!inserted) {
    const existing = await findRunByKey(hub.store.db, flow.name, key);
    return viewRun(hub, existing!.id);
  }
  await executeSteps(hub, flow, inserted, new Map());
  return viewRun(hub, inserted.id);
}

/** Runs a failed or halted run again from the step that stopped it; the steps that took effect keep their recorded outputs. */
export async function replayFlowRun(hub: Hub, flow: Flow, runId: string): Promise<FlowRunView> {
  const claimed = await claimForReplay(hub.store.db, runId);
  if (!claimed) {
    const run = await getRun(hub.store.db, runId);
    if (!run) throw new HubError('not_found', 'flow_run_not_found', `No flow run ${runId}`);
    throw new HubError(
      'conflict',
      'flow_run_not_replayable',
      `flow run ${runId} is ${run.status}; only failed or halted runs are replayed`,
    );
  }
  if (claimed.flow !== flow.name)
    throw new HubError(
      'invalid_data',
      'flow_mismatch',
      `flow run ${runId} belongs to ${claimed.flow}, not ${flow.name}`,
    );
  await hub.store.db.query(
    `UPDATE failed_syncs SET state = 'replayed' WHERE direction = 'flow' AND external_id = $1 AND state = 'open'`,
    [runId],
  );
  const done = (await stepsOf(hub.store.db, runId)).filter((step) => step.status === 'done');
  await executeSteps(hub, flow, claimed, new Map(done.map((step) => [step.step, step.output])));
  return viewRun(hub, runId);
}

async function executeSteps(
  hub: Hub,
  flow: Flow,
  run: FlowRunRecord,
  recorded: Map<string, unknown>,
): Promise<void> {
  const { db } = hub.store;
  const info: RunInfo = { id: run.id, flow: flow.name, key: run.key ?? run.id, trigger: run.trigger };
  const outputs: Record<string, unknown> = Object.fromEntries(recorded);
  let current = '(settings)';
  try {
    const { settings } = await loadFlowSettings(db, flow);
    for (const [position, step] of flow.steps.entries()) {
      if (recorded.has(step.name)) continue;
      current = step.name;
      let haltReason: string | undefined;
      await startStep(db, run.id, step.name, position);
      const output = await step.run({
        hub,
        run: info,
        settings,
        outputs,
        key: (purpose) => `flow:${flow.name}:${info.key}:${purpose}`,
        halt: (reason) => {
          haltReason = reason;
        },
      });
      outputs[step.name] = output ?? null;
      await finishStep(db, run.id, step.name, haltReason ? 'halted' : 'done', { output: output ?? null });
      if (haltReason) {
        await finishRun(db, run.id, 'halted', { context: { haltedAt: step.name, reason: haltReason } });
        return;
      }
    }
    await finishRun(db, run.id, 'succeeded', { context: { lastStep: current } });
    await db.query(
      `UPDATE failed_syncs SET state = 'resolved', resolved_at = now() WHERE direction = 'flow' AND external_id = $1 AND state IN ('open', 'replayed')`,
      [run.id],
    );
  } catch (caught) {
    const error = toHubError(caught);
    logger.warn('flow step failed', { flow: flow.name, runId: run.id, step: current, error: error.message });
    await finishStep(db, run.id, current, 'failed', { error: error.message }).catch(() => undefined);
    await finishRun(db, run.id, 'failed', {
      error: `${current}: ${error.message}`,
      context: { failedAt: current },
    });
    const subject = run.trigger.kind === 'change' ? run.trigger.canonicalId : undefined;
    await recordFailure(db, {
      connectionId: flowFailureConnection(flow.name),
      stream: current,
      direction: 'flow',
      externalId: run.id,
      canonicalId: subject,
      rawPayload: { trigger: run.trigger, outputs },
      error,
      context: { flow: flow.name, runId: run.id, step: current },
    });
  }
}
