import { z } from 'zod';
import { HubError } from '../errors/index.ts';
import { CONNECTION_PAUSED } from '../store/repos/connection-model.ts';

/** Thrown by a step's `waitFor`: the step waits for a record instead of failing. */
export class StepWaits extends Error {
  constructor(
    readonly missing: HubError,
    readonly maxWaitMs: number,
  ) {
    super(missing.message);
    this.name = 'StepWaits';
  }
}

/**
 * How long a step waits for a paused connection it needs (an ERP paused for a weekend's upgrade)
 * before its run fails; resuming the connection takes the run up at once.
 */
export const PAUSED_CONNECTION_MAX_WAIT_MS = 7 * 24 * 3_600_000;

/** The first retry of a waiting step comes after this long; each further one after twice as long. */
export const FIRST_WAIT_RETRY_MS = 1_000;
/** No retry of a waiting step comes later than this after the one before. */
export const LONGEST_WAIT_RETRY_MS = 5 * 60_000;
/**
 * An attempt between two retries that waits again keeps the retry already queued, unless it is due
 * within this long: that one may be taking the run up as the attempt parks it, so a new one is queued.
 */
export const KEPT_RETRY_MARGIN_MS = 250;

/** What a waiting run keeps in its context (`waiting`), so its next attempt knows how long it has waited. */
const runWaitSchema = z.object({
  step: z.string(),
  reason: z.string(),
  since: z.iso.datetime(),
  tries: z.number().int().positive(),
  retryAt: z.iso.datetime(),
  /** The paused connection the step waits for: resuming it takes the run up at once. */
  pausedConnection: z.string().optional(),
});
export type RunWait = z.infer<typeof runWaitSchema>;

export type WaitDecision =
  | { kind: 'wait'; retryInMs: number; wait: RunWait }
  | { kind: 'give-up'; error: HubError };

/**
 * Whether a step that asks to wait may, and for how long: it has waited since the first time it
 * asked (kept in the run's context as `previous`), and retries back off from a second to five
 * minutes, the last one at the end of its wait. Past `maxWaitMs` it fails with what it waited for.
 * An attempt before the retry of `previous` is due (the run's trigger fired again, a replay) keeps
 * that wait and its retry as they are: a waiting run has one retry queued, not one per attempt. That
 * retry itself (`byItsRetry`) always goes on to the next try, whatever the clocks say. A wait of
 * another kind at the same step (a paused connection, then a record) starts afresh.
 */
export function decideWait(
  previous: unknown,
  step: string,
  waits: StepWaits,
  now: number,
  attempt: { byItsRetry?: boolean } = {},
): WaitDecision {
  const { missing, maxWaitMs } = waits;
  const earlier = runWaitSchema.safeParse(previous);
  // A wait for a paused connection and a wait for a record are two waits, each with its own clock,
  // also at one step (the ERP paused, then its order not synced in yet).
  const paused = pausedConnectionOf(missing).pausedConnection;
  const same =
    earlier.success && earlier.data.step === step && earlier.data.pausedConnection === paused
      ? earlier.data
      : undefined;
  const since = same ? Date.parse(same.since) : now;
  const waitedMs = now - since;
  if (waitedMs >= maxWaitMs) {
    const error = new HubError(
      missing.kind,
      missing.code,
      `${missing.message} (waited ${Math.round(waitedMs / 1000)} s for it, the most this step waits)`,
      {
        fieldPath: missing.fieldPath,
        details: { ...missing.details, waitedMs, maxWaitMs },
        cause: missing,
      },
    );
    return { kind: 'give-up', error };
  }
  const retryAt = same ? Date.parse(same.retryAt) : Number.NaN;
  if (same && !attempt.byItsRetry && retryAt - now > KEPT_RETRY_MARGIN_MS)
    return { kind: 'wait', retryInMs: retryAt - now, wait: { ...same, reason: missing.message } };
  const tries = (same?.tries ?? 0) + 1;
  const backoff = Math.min(LONGEST_WAIT_RETRY_MS, FIRST_WAIT_RETRY_MS * 2 ** (tries - 1));
  const retryInMs = Math.max(0, Math.min(backoff, maxWaitMs - waitedMs));
  return {
    kind: 'wait',
    retryInMs,
    wait: {
      step,
      reason: missing.message,
      since: new Date(since).toISOString(),
      tries,
      retryAt: new Date(now + retryInMs).toISOString(),
      ...pausedConnectionOf(missing),
    },
  };
}

/** `pausedConnection` for a wait on a paused connection (its error names the connection). */
function pausedConnectionOf(missing: HubError): { pausedConnection?: string } {
  const id = missing.details?.connectionId;
  return missing.code === CONNECTION_PAUSED && typeof id === 'string' ? { pausedConnection: id } : {};
}
