import type { Hub } from '../runtime/hub.ts';
import type { TriggerEvent } from './define.ts';

export const FLOWS_QUEUE = 'flows';

export interface FlowJob {
  flow: string;
  key: string;
  trigger: TriggerEvent;
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
