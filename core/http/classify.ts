import { AxiosError } from 'axios';
import { HubError } from '../errors/index.ts';

const transientCodes = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'ECONNABORTED',
  'EPIPE',
  'EAI_AGAIN',
  'ENOTFOUND',
  'ERR_SOCKET_CONNECTION_TIMEOUT',
  'UND_ERR_SOCKET',
]);

// Failures before a connection existed: the server cannot have seen the request.
const unsentCodes = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ERR_SOCKET_CONNECTION_TIMEOUT']);

/**
 * True when the failure proves the server did not act on the request, so even a create may be
 * sent again: the connection was never made, or the server refused it with 429.
 */
export function provablyNotProcessed(error: unknown): boolean {
  if (error instanceof AxiosError && error.response) return error.response.status === 429;
  const code = (error as { code?: string } | undefined)?.code;
  return code !== undefined && unsentCodes.has(code);
}

/**
 * axios rejects a status itself only when validateStatus refuses it; any other failure that
 * carries a response broke while the body was read (cut off, stalled, reset).
 */
function failedReadingBody(error: AxiosError, status: number): boolean {
  const validateStatus = error.config?.validateStatus;
  return !validateStatus || validateStatus(status);
}

/** Retry-After as milliseconds: delta-seconds or an HTTP date. */
export function parseRetryAfter(value: unknown, now = Date.now()): number | undefined {
  if (typeof value !== 'string' && typeof value !== 'number') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(String(value));
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

export function classifyStatus(status: number): HubError['kind'] {
  if (status === 429) return 'rate_limited';
  if (status === 401) return 'auth';
  if (status === 403) return 'auth';
  if (status === 404) return 'not_found';
  if (status === 409) return 'conflict';
  if (status === 408 || status >= 500) return 'transient';
  return 'invalid_data';
}

/**
 * Turns an axios failure into a HubError. Connectors that know their vendor's error bodies
 * classify those first and fall back to this for the transport layer.
 */
export function classifyHttpError(error: unknown, what?: string): HubError {
  if (error instanceof HubError) return error;
  const prefix = what ? `${what}: ` : '';
  if (!(error instanceof AxiosError)) {
    const code = (error as { code?: string })?.code;
    if (code && transientCodes.has(code)) {
      return new HubError('transient', 'network_error', `${prefix}${code}`, { cause: error });
    }
    return new HubError('system', 'internal_error', `${prefix}${(error as Error)?.message ?? error}`, {
      cause: error,
    });
  }
  const status = error.response?.status;
  // A timeout can fire after the headers arrived: it is still a timeout, not the status it carries.
  if (error.code === 'ECONNABORTED' || error.code === 'ETIMEDOUT') {
    return new HubError('transient', 'timeout', `${prefix}${error.message}`, { cause: error });
  }
  // No answer at all, or a body cut off or stalled after the headers: the status is no answer.
  if (!status || failedReadingBody(error, status)) {
    const kind = error.code === 'ERR_CANCELED' ? 'system' : 'transient';
    return new HubError(kind, 'network_error', `${prefix}${error.message}`, {
      details: status ? { status } : {},
      cause: error,
    });
  }
  const kind = classifyStatus(status);
  const retryAfterMs = parseRetryAfter(error.response?.headers?.['retry-after']);
  return new HubError(kind, `http_${status}`, `${prefix}HTTP ${status}`, {
    retryAfterMs,
    details: { status, body: error.response?.data },
    cause: error,
  });
}
