import { jobDuration } from '../log/metrics.ts';
import type { JobHandler } from './port.ts';

/** Times every job of a queue into the job-duration histogram, whichever driver runs it. */
export function instrumented<T>(queue: string, handler: JobHandler<T>): JobHandler<T> {
  const metricQueue = queue.startsWith('write.') ? 'write' : queue;
  return async (job) => {
    const stop = jobDuration.startTimer({ queue: metricQueue });
    try {
      await handler(job);
    } finally {
      stop();
    }
  };
}
