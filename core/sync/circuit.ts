import {
  BrokenCircuitError,
  type CircuitBreakerPolicy,
  ConsecutiveBreaker,
  circuitBreaker,
  handleWhen,
} from 'cockatiel';
import { z } from 'zod';
import { HubError, isHubError } from '../errors/index.ts';
import { logger } from '../log/logger.ts';
import { CIRCUIT_OPEN } from '../queue/retry-policy.ts';

export interface CircuitOptions {
  /** Consecutive transient failures that open the circuit. @defaultValue 5 */
  threshold?: number;
  /** How long writes pause before one half-open probe. @defaultValue 10000 */
  halfOpenAfterMs?: number;
}

const DEFAULT_PAUSE_MS = 10_000;
const pauseSchema = z.number().int().positive();

/**
 * The pause a connection's options name. One saved before options were checked may name none
 * that works (a text, zero): a breaker would then never pause, so it pauses for the default.
 */
export function circuitPauseOf(options: { circuitHalfOpenMs?: unknown }): number {
  const pause = pauseSchema.safeParse(options.circuitHalfOpenMs);
  return pause.success ? pause.data : DEFAULT_PAUSE_MS;
}

const breakers = new Map<string, { policy: CircuitBreakerPolicy; settings: string }>();

/**
 * One breaker per target connection: while a target is down, its writes wait instead of hammering
 * it. Changed options (an admin shortened the pause) take effect with a fresh, closed breaker.
 */
export function circuitFor(connectionId: string, options: CircuitOptions = {}): CircuitBreakerPolicy {
  const halfOpenAfter = options.halfOpenAfterMs ?? DEFAULT_PAUSE_MS;
  const threshold = options.threshold ?? 5;
  const settings = `${halfOpenAfter}/${threshold}`;
  const existing = breakers.get(connectionId);
  if (existing?.settings === settings) return existing.policy;
  const policy = circuitBreaker(
    handleWhen((error) => isHubError(error) && error.kind === 'transient'),
    { halfOpenAfter, breaker: new ConsecutiveBreaker(threshold) },
  );
  policy.onBreak(() => logger.warn('circuit opened: pausing writes', { connectionId }));
  policy.onReset(() => logger.info('circuit closed: writes resume', { connectionId }));
  breakers.set(connectionId, { policy, settings });
  return policy;
}

export function resetCircuits(): void {
  breakers.clear();
}

/** Runs `fn` through the connection's breaker; an open circuit becomes a retry after the pause. */
export async function throughCircuit<T>(
  connectionId: string,
  fn: () => Promise<T>,
  options: CircuitOptions = {},
): Promise<T> {
  try {
    return await circuitFor(connectionId, options).execute(fn);
  } catch (error) {
    if (error instanceof BrokenCircuitError) {
      throw new HubError(
        'transient',
        CIRCUIT_OPEN,
        `writes to ${connectionId} are paused: the target failed repeatedly`,
        {
          retryAfterMs: options.halfOpenAfterMs ?? DEFAULT_PAUSE_MS,
        },
      );
    }
    throw error;
  }
}
