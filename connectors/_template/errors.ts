import { AxiosError } from 'axios';
import { HubError } from '../../core/errors/index.ts';
import { classifyHttpError } from '../../core/http/index.ts';

/**
 * The vendor's error body, `{ "error": { "code", "message", "field" } }` (link the vendor's error
 * reference here). Transport failures, 429 and 5xx are left to classifyHttpError.
 */
export function classifyTemplateError(error: unknown): HubError | undefined {
  if (!(error instanceof AxiosError) || !error.response) return undefined;
  const body = error.response.data as
    | { error?: { code?: string; message?: string; field?: string } }
    | undefined;
  if (!body?.error?.message) return undefined;
  const base = classifyHttpError(error);
  return new HubError(base.kind, body.error.code ?? base.code, body.error.message, {
    fieldPath: body.error.field,
    retryAfterMs: base.retryAfterMs,
    details: base.details,
    cause: error,
  });
}
