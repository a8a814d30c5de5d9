import type { HubError } from '../errors/index.ts';

export interface RetryPolicy {
  /** @defaultValue 500 */
  baseDelayMs: number;
  /** @defaultValue 60000 */
  maxDelayMs: number;
}

/** The error code of a write refused because its target's circuit is open. */
export const CIRCUIT_OPEN = 'circuit_open';
/** A requested sync run whose stream another run holds: it waits for the stream to be free. */
export const STREAM_BUSY = 'stream_busy';
/** A requested sync run a shutdown stopped before it read its stream to the end: it runs again. */
export const RUN_INTERRUPTED = 'run_interrupted';

/**
 * A job whose connection was deleted after it was queued (the code the connections repository
 * raises): it has nothing left to do, which is not a failure.
 */
export const CONNECTION_GONE = 'connection_not_found';

/** Jobs the hub holds back rather than failed ones: they wait without using up an attempt. */
const WAITING_CODES = new Set([CIRCUIT_OPEN, STREAM_BUSY, RUN_INTERRUPTED]);

export const defaultRetryPolicy: RetryPolicy = { baseDelayMs: 500, maxDelayMs: 60_000 };

export type RetryDecision =
  /** `countsAsAttempt` false: the hub chose to wait (an open circuit, a busy stream); the job did not fail. */
  | { retry: true; delayMs: number; reason: string; countsAsAttempt: boolean }
  /** `dropped`: the job has nothing left to do (its connection was deleted); it ends as done. */
  | { retry: false; reason: string; dropped?: true };

/**
 * The one place that decides whether a failed job runs again and when. A wait the error names
 * (Retry-After, a circuit's pause) is honoured; other transient errors back off exponentially with
 * full jitter; everything else is permanent and goes to failed_syncs at once. An open circuit
 * pauses a job without using up its attempts: the target is down, the write has not failed. So
 * does a busy stream or a shutdown for a requested sync run: the run has not failed either. A job
 * that finds its connection deleted is dropped: neither retried nor failed.
 */
export function decideRetry(
  error: HubError,
  attemptsMade: number,
  maxAttempts: number,
  policy: RetryPolicy = defaultRetryPolicy,
  random: () => number = Math.random,
): RetryDecision {
  if (error.code === CONNECTION_GONE)
    return { retry: false, dropped: true, reason: 'its connection was deleted' };
  if (!error.retryable) return { retry: false, reason: `permanent: ${error.kind}` };
  const paused = WAITING_CODES.has(error.code);
  if (!paused && attemptsMade + 1 >= maxAttempts)
    return { retry: false, reason: `gave up after ${attemptsMade + 1} attempts` };
  if (error.retryAfterMs !== undefined) {
    return {
      retry: true,
      delayMs: Math.min(error.retryAfterMs, policy.maxDelayMs * 10),
      reason: paused ? `${error.code}: paused` : `${error.kind}: Retry-After`,
      countsAsAttempt: !paused,
    };
  }
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attemptsMade);
  return {
    retry: true,
    delayMs: Math.round(ceiling / 2 + random() * (ceiling / 2)),
    reason: `${error.kind}: backoff`,
    countsAsAttempt: true,
  };
}
