import type { HubError } from '../errors/index.ts';

export interface RetryPolicy {
  /** @defaultValue 500 */
  baseDelayMs: number;
  /** @defaultValue 60000 */
  maxDelayMs: number;
}

export const defaultRetryPolicy: RetryPolicy = { baseDelayMs: 500, maxDelayMs: 60_000 };

export type RetryDecision =
  | { retry: true; delayMs: number; reason: string }
  | { retry: false; reason: string };

/**
 * The one place that decides whether a failed job runs again and when. Rate limits wait what the
 * target asked for; transient errors back off exponentially with full jitter; everything else is
 * permanent and goes to failed_syncs at once.
 */
export function decideRetry(
  error: HubError,
  attemptsMade: number,
  maxAttempts: number,
  policy: RetryPolicy = defaultRetryPolicy,
  random: () => number = Math.random,
): RetryDecision {
  if (!error.retryable) return { retry: false, reason: `permanent: ${error.kind}` };
  if (attemptsMade + 1 >= maxAttempts)
    return { retry: false, reason: `gave up after ${attemptsMade + 1} attempts` };
  if (error.kind === 'rate_limited' && error.retryAfterMs !== undefined) {
    return {
      retry: true,
      delayMs: Math.min(error.retryAfterMs, policy.maxDelayMs * 10),
      reason: 'rate limited: Retry-After',
    };
  }
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attemptsMade);
  return {
    retry: true,
    delayMs: Math.round(ceiling / 2 + random() * (ceiling / 2)),
    reason: `${error.kind}: backoff`,
  };
}
