import type { HubError } from '../errors/index.ts';

export interface InRequestRetryOptions {
  /** Tries in total, including the first. @defaultValue 3 */
  attempts?: number;
  /** First backoff in ms; doubles each try, with full jitter. @defaultValue 200 */
  baseDelayMs?: number;
  /** A Retry-After longer than this is not waited for here; the queue takes over. @defaultValue 10000 */
  maxWaitMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Decides whether and how long to wait before the next try; pure so it can be unit-tested. */
export function nextRetryDelay(
  error: HubError,
  attempt: number,
  options: Required<Omit<InRequestRetryOptions, 'sleep'>>,
  random = Math.random,
): number | undefined {
  if (!error.retryable || attempt >= options.attempts) return undefined;
  if (error.retryAfterMs !== undefined) {
    return error.retryAfterMs <= options.maxWaitMs ? error.retryAfterMs : undefined;
  }
  const ceiling = options.baseDelayMs * 2 ** (attempt - 1);
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

/**
 * The inner of the two retry layers: a few quick tries inside one request. Longer waits are the
 * queue's job, so a long Retry-After is handed up as the error instead of blocking a worker.
 * `mayRepeat` sees each raw failure: false hands the error up untried (a create the server may
 * already have saved).
 */
export async function withInRequestRetry<T>(
  fn: () => Promise<T>,
  classify: (error: unknown) => HubError,
  options: InRequestRetryOptions = {},
  mayRepeat: (error: unknown) => boolean = () => true,
): Promise<T> {
  const settings = {
    attempts: options.attempts ?? 3,
    baseDelayMs: options.baseDelayMs ?? 200,
    maxWaitMs: options.maxWaitMs ?? 10_000,
  };
  const sleep = options.sleep ?? defaultSleep;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (raw) {
      const error = classify(raw);
      const delay = mayRepeat(raw) ? nextRetryDelay(error, attempt, settings) : undefined;
      if (delay === undefined) throw error;
      await sleep(delay);
    }
  }
}
