import { AxiosError } from 'axios';
import { HubError } from '../../core/errors/index.ts';
import { classifyHttpError } from '../../core/http/index.ts';
import { compileSourcePath } from '../../core/mapping/source-path.ts';

export interface ErrorBodyPaths {
  messagePath?: string;
  fieldPath?: string;
}

/**
 * Where REST APIs commonly put an error's message and field:
 * - RFC 9457 problem details: `detail`, `title`, `errors[].pointer`, `invalid-params[].name`
 *   (https://www.rfc-editor.org/rfc/rfc9457)
 * - JSON:API error objects: `errors[].detail`, `errors[].source.pointer`
 *   (https://jsonapi.org/format/#error-objects)
 * - OAuth 2.0: `error`, `error_description` (https://www.rfc-editor.org/rfc/rfc6749#section-5.2)
 * - FastAPI/pydantic: `detail[].msg`, `detail[].loc`; and the plain `message`, `error.message`,
 *   `errors[].message` / `errors[].field` styles.
 */
const messagePaths = [
  'detail.0.msg',
  'errors.0.detail',
  'errors.0.message',
  'error.message',
  'error_description',
  'detail',
  'message',
  'error',
  'title',
];
const fieldPaths = [
  'errors.0.source.pointer',
  'errors.0.pointer',
  'errors.0.field',
  'errors.0.path',
  'invalid-params.0.name',
  'invalid_params.0.name',
  'detail.0.loc',
  'error.field',
  'field',
];

const read = (body: unknown, path: string) => compileSourcePath(path)(body);

/** A JSON pointer as is ("/email") or as a URI fragment ("#/email", percent-encoded), as RFC 9457 writes it. */
function jsonPointerOf(value: string): string | undefined {
  if (value.startsWith('/')) return value;
  if (!value.startsWith('#/')) return undefined;
  try {
    return decodeURIComponent(value.slice(1));
  } catch {
    return value.slice(1);
  }
}

function fieldFrom(value: unknown): string | undefined {
  if (Array.isArray(value)) {
    // pydantic locations start with where the value came from: ["body", "email"].
    const parts = value
      .map(String)
      .filter((part, index) => !(index === 0 && ['body', 'query', 'path'].includes(part)));
    return parts.length > 0 ? parts.join('.') : undefined;
  }
  if (typeof value !== 'string' || value === '') return undefined;
  const pointer = jsonPointerOf(value);
  if (pointer === undefined) return value;
  // JSON pointer: /data/attributes/email or /email.
  const parts = pointer
    .slice(1)
    .split('/')
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'));
  const start = parts[0] === 'data' && parts[1] === 'attributes' ? 2 : 0;
  return parts.slice(start).join('.') || undefined;
}

/** The message and the offending field an API error body names, where it names them. */
export function describeErrorBody(
  body: unknown,
  paths: ErrorBodyPaths = {},
): { message?: string; fieldPath?: string } {
  if (typeof body === 'string') return { message: body.trim().slice(0, 500) || undefined };
  if (body === null || typeof body !== 'object') return {};
  const candidates = paths.messagePath ? [paths.messagePath, ...messagePaths] : messagePaths;
  const message = candidates
    .map((path) => read(body, path))
    .find((value) => typeof value === 'string' && value !== '');
  const fields = paths.fieldPath ? [paths.fieldPath, ...fieldPaths] : fieldPaths;
  const fieldPath = fields.map((path) => fieldFrom(read(body, path))).find((value) => value !== undefined);
  return { message: message as string | undefined, fieldPath };
}

/** The vendor-side classification for createHttpClient: redirects refused, body messages surfaced. */
export function createRestErrorClassifier(paths: ErrorBodyPaths = {}) {
  return (error: unknown): HubError | undefined => {
    if (!(error instanceof AxiosError) || !error.response) return undefined;
    const { status, headers, data } = error.response;
    if (status >= 300 && status < 400) {
      // Following redirects would skip the private-network check for the new address.
      const location = headers?.location ?? '(no Location header)';
      return new HubError(
        'config',
        'redirect_refused',
        `HTTP ${status} redirect to ${location} is not followed; use the final address in the configuration`,
        { details: { status, location } },
      );
    }
    const base = classifyHttpError(error);
    const { message, fieldPath } = describeErrorBody(data, paths);
    if (!message && !fieldPath) return base;
    return new HubError(base.kind, base.code, `HTTP ${status}: ${message ?? 'request rejected'}`, {
      fieldPath,
      retryAfterMs: base.retryAfterMs,
      details: base.details,
      cause: error,
    });
  };
}

/** RFC 6749 §5.2 error codes from a token endpoint: all mean the client's own settings are wrong. */
export function classifyTokenError(error: unknown): HubError | undefined {
  if (!(error instanceof AxiosError) || !error.response) return undefined;
  const body = error.response.data as { error?: unknown; error_description?: unknown } | undefined;
  if (typeof body?.error !== 'string') return undefined;
  const description = typeof body.error_description === 'string' ? `: ${body.error_description}` : '';
  return new HubError(
    'auth',
    `oauth_${body.error}`,
    `the token endpoint refused the client (${body.error}${description})`,
    {
      details: { status: error.response.status, body },
      cause: error,
    },
  );
}
