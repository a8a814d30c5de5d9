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
  if (!status) {
    const kind = error.code === 'ERR_CANCELED' ? 'system' : 'transient';
    return new HubError(kind, 'network_error', `${prefix}${error.message}`, {
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
