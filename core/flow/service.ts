import cron, { type ScheduledTask } from 'node-cron';
import { z } from 'zod';
import type { CanonicalEntity } from '../connector/types.ts';
import { HubError } from '../errors/index.ts';
import { logger } from '../log/logger.ts';
import type { QueueJob } from '../queue/port.ts';
import type { Hub } from '../runtime/hub.ts';
import type { WorkerService } from '../runtime/worker.ts';
import { getGolden, goldenByIds } from '../store/repos/golden.ts';
import { type RecordChange, subscribeToChanges } from '../sync/change-subscribers.ts';
import { findFlow, listFlows } from './catalog.ts';
import type { Flow, TriggerEvent } from './define.ts';
import {
  enqueueFlow,
  enqueueWaitRetry,
  FLOWS_QUEUE,
  type FlowJob,
  parseFlowJob,
  parseWaitRetry,
} from './jobs.ts';
import { expiredRuns, runsWaitingOnConnection } from './run-store.ts';
import {
  attemptFlowRun,
  type FlowRunView,
  type RunOptions,
  retryWaitingRun,
  startFlowRun,
} from './runner.ts';
import { loadFlowSettings } from './settings.ts';

/** How often each worker looks for runs whose worker died (their lease ran out) to queue them again. */
export const EXPIRED_RUN_SWEEP_MS = 60_000;

const isUuid = (value: string) => z.uuid().safeParse(value).success;

/** Committed canonical changes that pass a flow's filter start a run; a flow never triggers itself. */
async function routeChangesToFlows(hub: Hub, changes: RecordChange[]): Promise<void> {
  const watched = new Set(
    listFlows().flatMap((flow) => (flow.trigger.kind === 'change' ? flow.trigger.entities : [])),
  );
  // Records of entities no flow watches are not read at all (customers during a bulk sync).
  const live = changes.filter(
    (change) => change.operation !== 'delete' && watched.has(change.entity as CanonicalEntity),
  );
  if (live.length === 0) return;
  const records = await goldenByIds(hub.store.db, [...new Set(live.map((change) => change.canonicalId))]);
  for (const flow of listFlows()) {
    const { trigger } = flow;
    if (trigger.kind !== 'change') continue;
    for (const change of live) {
      const record = records.get(change.canonicalId);
      if (!record || record.mergedInto || change.sourceSystem === `flow:${flow.name}`) continue;
      if (!trigger.entities.includes(change.entity as (typeof trigger.entities)[number])) continue;
      if (!(await trigger.when(record, hub))) continue;
      const key = trigger.key ? trigger.key(record) : record.id;
      await enqueueFlow(hub, {
        flow: flow.name,
        key,
        trigger: { kind: 'change', entity: change.entity, canonicalId: record.id, version: record.version },
      });
    }
  }
}

subscribeToChanges('flows', routeChangesToFlows);

async function runFlowJob(hub: Hub, job: QueueJob<FlowJob>): Promise<void> {
  const data = parseFlowJob(job.data, job.id);
  const flow = findFlow(data.flow);
  const { enabled } = await loadFlowSettings(hub.store.db, flow);
  // Dropped, not kept: enabling the flow again does not replay the changes made while it was off.
  if (!enabled) return;
  const attempt =
    data.waitRetry === undefined
      ? await attemptFlowRun(hub, flow, data.trigger, data.key)
      : await retryWaitingRun(hub, flow, data.waitRetry, job.attemptsMade > 0);
  // Thrown, the queue tries the job again after a backoff, and that attempt takes the failed run up.
  if (attempt?.failure?.retryable) throw attempt.failure;
}

/** A paused flow's jobs take no run over: its expired runs would fill every sweep and starve the others. */
async function enabledFlowNames(hub: Hub): Promise<string[]> {
  const names: string[] = [];
  for (const flow of listFlows())
    if ((await loadFlowSettings(hub.store.db, flow)).enabled) names.push(flow.name);
  return names;
}

/**
 * Queues the runs whose worker died (their lease ran out) again, for when nothing else does: a
 * queue that lost the job, a job given up. So are waiting runs well past their retry time (their
 * delayed job lost, or dropped while the flow was paused). The job takes the run over. Answers how
 * many were queued.
 */
export async function resumeExpiredRuns(hub: Hub): Promise<number> {
  const runs = await expiredRuns(hub.store.db, await enabledFlowNames(hub), 100);
  for (const run of runs) {
    const expiry = run.leaseUntil ? Date.parse(run.leaseUntil) : 0;
    await enqueueFlow(
      hub,
      { flow: run.flow, key: run.key!, trigger: run.trigger },
      { jobId: `flow-resume-${run.id}-${expiry}` },
    );
  }
  return runs.length;
}

/** Runs taken up per resume; more wait for their delayed retry (five minutes at most). */
const RESUME_TAKE_UP_LIMIT = 1_000;

/**
 * Takes up at once the runs whose step waited for `connectionId` while it was paused, instead of
 * leaving them to their backed-off retry. Each job claims its run only while it still waits on the
 * same wait, so a run its delayed retry took meanwhile is not run twice. Answers how many were queued.
 */
export async function takeUpRunsWaitingOn(hub: Hub, connectionId: string): Promise<number> {
  const runs = await runsWaitingOnConnection(hub.store.db, connectionId, RESUME_TAKE_UP_LIMIT);
  for (const run of runs) {
    const wait = parseWaitRetry({ ...(run.context.waiting as object), runId: run.id }, `resume-${run.id}`);
    const job = { flow: run.flow, key: run.key ?? run.id, trigger: run.trigger, waitRetry: wait };
    await enqueueWaitRetry(hub, job, 0, 'resumed');
  }
  return runs.length;
}

/**
 * Runs a flow now, by hand: change-triggered flows take the record to run on (`recordId`), the
 * others the params as their trigger. The key makes a second manual run of the same record
 * answer the first run.
 */
export async function runFlowNow(
  hub: Hub,
  flow: Flow,
  params: { recordId?: string; payload?: unknown; key?: string } = {},
  options: RunOptions = {},
): Promise<FlowRunView> {
  if (flow.trigger.kind === 'change') {
    if (!params.recordId)
      throw new HubError(
        'invalid_data',
        'record_required',
        `flow ${flow.name} runs on a record: give its canonical id`,
        { fieldPath: 'recordId' },
      );
    // A malformed id names no record; the database would refuse it as a failing uuid cast.
    const record = isUuid(params.recordId) ? await getGolden(hub.store.db, params.recordId) : undefined;
    if (!record) throw new HubError('not_found', 'record_not_found', `No record ${params.recordId}`);
    const key = params.key ?? (flow.trigger.key ? flow.trigger.key(record) : record.id);
    return startFlowRun(
      hub,
      flow,
      { kind: 'change', entity: record.entity, canonicalId: record.id, version: record.version },
      key,
      options,
    );
  }
  const trigger: TriggerEvent =
    flow.trigger.kind === 'webhook'
      ? { kind: 'webhook', payload: params.payload ?? null }
      : { kind: 'manual', params: { payload: params.payload ?? null } };
  return startFlowRun(hub, flow, trigger, params.key, options);
}

/**
 * Flow runs from the queue, cron timers whose ticks enqueue one run per minute however many workers
 * fire, and the sweep that queues runs whose worker died again.
 */
export function startFlowServices(hub: Hub): WorkerService {
  const consumer = hub.queue.consume<FlowJob>(FLOWS_QUEUE, (job) => runFlowJob(hub, job), {
    concurrency: 2,
  });
  const tasks: ScheduledTask[] = [];
  for (const flow of listFlows()) {
    const { trigger } = flow;
    if (trigger.kind !== 'cron') continue;
    const tick = () => {
      const at = new Date().toISOString().slice(0, 16);
      enqueueFlow(hub, { flow: flow.name, key: `cron:${at}`, trigger: { kind: 'cron', at } }).catch(
        (error: unknown) => logger.warn('could not enqueue a scheduled flow', { flow: flow.name, error }),
      );
    };
    tasks.push(cron.schedule(trigger.cron, tick));
  }
  const sweep = setInterval(() => {
    resumeExpiredRuns(hub).catch((error: unknown) =>
      logger.warn('could not resume expired flow runs', { error }),
    );
  }, EXPIRED_RUN_SWEEP_MS);
  sweep.unref();
  return {
    name: 'flows',
    async stop() {
      clearInterval(sweep);
      for (const task of tasks) await task.stop();
      await consumer.close();
    },
  };
}
