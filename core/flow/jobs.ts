import { z } from 'zod';
import { HubError } from '../errors/index.ts';
import type { Hub } from '../runtime/hub.ts';
import type { TriggerEvent } from './define.ts';

export const FLOWS_QUEUE = 'flows';

/**
 * The wait a waiting run's delayed retry was queued for: the retry takes the run up only while the
 * run still waits on it (see retryWaitingRun), so a retry outlived by its wait does nothing.
 */
export const waitRetrySchema = z.object({
  runId: z.uuid(),
  step: z.string().min(1),
  since: z.iso.datetime(),
  tries: z.number().int().positive(),
});
export type WaitRetry = z.infer<typeof waitRetrySchema>;

export interface FlowJob {
  flow: string;
  key: string;
  trigger: TriggerEvent;
  /** Set on the delayed retry of a waiting run only. */
  waitRetry?: WaitRetry;
}

const triggerEventSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('change'),
    entity: z.string().min(1),
    canonicalId: z.string().min(1),
    version: z.number().int().nonnegative(),
  }),
  z.object({ kind: z.literal('cron'), at: z.string().min(1) }),
  z.object({ kind: z.literal('webhook'), payload: z.unknown() }),
  z.object({ kind: z.literal('manual'), params: z.record(z.string(), z.unknown()) }),
]);

/** A queued flow job; its wait (when set) is checked by parseWaitRetry, which names the wait's field. */
const flowJobSchema = z.object({
  flow: z.string().min(1),
  key: z.string().min(1),
  trigger: triggerEventSchema,
  waitRetry: z.unknown().optional(),
});

/** The flow job as queued, checked: a malformed one fails for good, naming the job and the field. */
export function parseFlowJob(value: unknown, jobId: string): FlowJob {
  const job = checkedJobPart(flowJobSchema, value, jobId, []);
  const { waitRetry, ...rest } = job;
  const trigger = job.trigger as TriggerEvent;
  return waitRetry === undefined
    ? { ...rest, trigger }
    : { ...rest, trigger, waitRetry: parseWaitRetry(waitRetry, jobId) };
}

const queueSafe = (jobId: string) => jobId.replace(/[^\w.-]/g, '_');

/**
 * One job per trigger: redeliveries of one change are one job, while a newer version of the record
 * is a job of its own, which takes a failed run of its key up again. The queue's default attempts
 * and backoff retry a run that failed on a transient error.
 */
export async function enqueueFlow(
  hub: Hub,
  job: FlowJob,
  options: { jobId?: string; delayMs?: number } = {},
): Promise<void> {
  const version = job.trigger.kind === 'change' ? `-v${job.trigger.version}` : '';
  await hub.queue.add(FLOWS_QUEUE, 'flow', job, {
    jobId: queueSafe(options.jobId ?? `flow-${job.flow}-${job.key}${version}`),
    ...(options.delayMs === undefined ? {} : { delayMs: options.delayMs }),
  });
}

/**
 * Queues the retry of a waiting run's wait; one job per wait and try, so queuing it again adds
 * nothing. `cause` names an early take-up of that try (`resumed`), a job beside the delayed one.
 */
export async function enqueueWaitRetry(
  hub: Hub,
  job: FlowJob & { waitRetry: WaitRetry },
  delayMs: number,
  cause?: string,
): Promise<void> {
  const { runId, since, tries } = job.waitRetry;
  const suffix = cause ? `-${cause}` : '';
  await enqueueFlow(hub, job, {
    jobId: `flow-wait-${runId}-${Date.parse(since)}-${tries}${suffix}`,
    delayMs,
  });
}

/** `value` parsed by `schema`, or a `flow_job_invalid` error naming the job and the field under `prefix`. */
function checkedJobPart<S extends z.ZodType>(
  schema: S,
  value: unknown,
  jobId: string,
  prefix: string[],
): z.output<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const fieldPath = [...prefix, ...issue.path.map(String)].join('.') || '(root)';
  throw new HubError(
    'invalid_data',
    'flow_job_invalid',
    `flow job ${jobId}: ${fieldPath}: ${issue.message}`,
    {
      fieldPath,
    },
  );
}

/** The wait a queued flow job names, checked: a malformed one fails the job for good, naming the job and the field. */
export function parseWaitRetry(value: unknown, jobId: string): WaitRetry {
  return checkedJobPart(waitRetrySchema, value, jobId, ['waitRetry']);
}
