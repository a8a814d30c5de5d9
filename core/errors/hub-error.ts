/**
 * One error vocabulary for the whole hub. `kind` decides what the machine does (retry, wait,
 * stop); `code` is a stable snake_case identifier people can search for; `message` is for the
 * user, `details` carries structured context (field path, record id) for the log and the API.
 */
export const errorKinds = [
  'config',
  'auth',
  'rate_limited',
  'transient',
  'invalid_data',
  'not_found',
  'conflict',
  'system',
] as const;
export type ErrorKind = (typeof errorKinds)[number];

export interface HubErrorOptions {
  details?: Record<string, unknown>;
  /** Dotted path of the offending field, e.g. `lines.2.quantity`. */
  fieldPath?: string;
  /** For rate limits: how long the caller asked us to wait. */
  retryAfterMs?: number;
  cause?: unknown;
}

export class HubError extends Error {
  readonly kind: ErrorKind;
  readonly code: string;
  readonly details: Record<string, unknown>;
  readonly fieldPath?: string;
  readonly retryAfterMs?: number;

  constructor(kind: ErrorKind, code: string, message: string, options: HubErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.name = 'HubError';
    this.kind = kind;
    this.code = code;
    this.details = options.details ?? {};
    this.fieldPath = options.fieldPath;
    this.retryAfterMs = options.retryAfterMs;
  }

  get retryable(): boolean {
    return this.kind === 'transient' || this.kind === 'rate_limited';
  }

  toJSON() {
    return {
      code: this.code,
      kind: this.kind,
      message: this.message,
      details: { ...this.details, ...(this.fieldPath ? { fieldPath: this.fieldPath } : {}) },
    };
  }
}

export function isHubError(error: unknown): error is HubError {
  return error instanceof HubError;
}

/**
 * Failures after which the same work may well succeed: a lost or refused connection (SQLSTATE class
 * 08, socket errors, the server shutting down, too many connections), a serialization failure or a
 * deadlock. A job that met one while recording a write the target already took must run again.
 */
const RETRYABLE_CODES =
  /^(08[0-9A-Z]{3}|40001|40P01|57P0[123]|53300|ECONNRESET|ECONNREFUSED|EPIPE|ETIMEDOUT)$/;
const RETRYABLE_MESSAGES = /^Connection terminated|^timeout exceeded when trying to connect/;

/**
 * Values PostgreSQL (and PGlite, which raises the same SQLSTATEs) refuses as input: a malformed
 * uuid, number or date (22P02), a NUL in text (22021), a NUL escape in jsonb (22P05). Input is
 * checked before it gets there; this keeps one that slips through from becoming an internal error.
 */
const INVALID_VALUE_CODES = new Set(['22P02', '22021', '22P05']);

/** Wraps anything thrown into a HubError so every layer above deals with one shape. */
export function toHubError(error: unknown): HubError {
  if (error instanceof HubError) return error;
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    if ((typeof code === 'string' && RETRYABLE_CODES.test(code)) || RETRYABLE_MESSAGES.test(error.message)) {
      const conflict = code === '40001' || code === '40P01';
      return new HubError('transient', conflict ? 'database_conflict' : 'connection_lost', error.message, {
        cause: error,
      });
    }
    if (typeof code === 'string' && INVALID_VALUE_CODES.has(code))
      return new HubError('invalid_data', 'invalid_value', error.message, { cause: error });
    return new HubError('system', 'internal_error', error.message, { cause: error });
  }
  return new HubError('system', 'internal_error', String(error));
}
