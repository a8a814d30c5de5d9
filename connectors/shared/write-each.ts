import type { WriteError, WriteOp, WriteResult } from '../../core/connector/types.ts';
import { type HubError, toHubError } from '../../core/errors/index.ts';

export function failedWrite(op: WriteOp, error: HubError, extra: Partial<WriteError> = {}): WriteResult {
  const { kind, code, message, fieldPath } = error;
  return {
    ok: false,
    idempotencyKey: op.idempotencyKey,
    error: { kind, code, message, ...(fieldPath ? { fieldPath } : {}), ...extra },
  };
}

/**
 * A stopped batch keeps the writes that took effect, so that the engine records them and its retry
 * does not send them again. The op that met the error and those after it carry a rate limit or
 * transient error, which the engine retries after the wait; after an auth, config or system error
 * they carry no result, which the engine retries as no_write_result. Before anything took effect
 * the error is thrown, and the engine retries the whole batch (its circuit breaker pauses the
 * connection while the target keeps refusing).
 */
function stopBatch(results: WriteResult[], unsent: WriteOp[], error: HubError): WriteResult[] {
  if (!results.some((result) => result.ok)) throw error;
  if (!error.retryable) return results;
  const retryAfter = error.retryAfterMs === undefined ? {} : { retryAfterMs: error.retryAfterMs };
  return [...results, ...unsent.map((op) => failedWrite(op, error, retryAfter))];
}

/**
 * One write per op, in order. A rejected record fails alone with the target's message and field;
 * an error of the whole connection (`stopsBatch`: revoked login, rate limit) stops the batch
 * instead of failing every record after it alike.
 */
export async function writeEach(
  ops: WriteOp[],
  writeOne: (op: WriteOp) => Promise<WriteResult>,
  stopsBatch: (error: HubError) => boolean,
): Promise<WriteResult[]> {
  const results: WriteResult[] = [];
  for (const [index, op] of ops.entries()) {
    try {
      results.push(await writeOne(op));
    } catch (raw) {
      const error = toHubError(raw);
      if (stopsBatch(error)) return stopBatch(results, ops.slice(index), error);
      results.push(failedWrite(op, error));
    }
  }
  return results;
}
