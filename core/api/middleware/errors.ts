import type { ErrorRequestHandler, RequestHandler } from 'express';
import { toHubError } from '../../errors/index.ts';
import { logger } from '../../log/logger.ts';

const statusByKind: Record<string, number> = {
  config: 400,
  invalid_data: 400,
  auth: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  rate_limited: 429,
  transient: 503,
  system: 500,
};

/**
 * body-parser's refusals of a request body (too large, unsupported encoding, aborted) and the
 * router's of a path parameter with a broken percent escape are the client's.
 */
function clientRefusal(raw: unknown): { status: number; code: string; message: string } | undefined {
  if (raw instanceof URIError && 'status' in raw && raw.status === 400)
    return { status: 400, code: 'invalid_path_parameter', message: raw.message };
  if (!(raw instanceof Error) || raw instanceof SyntaxError || !('type' in raw) || !('status' in raw))
    return undefined;
  const status = Number(raw.status);
  if (!(status >= 400 && status < 500) || typeof raw.type !== 'string') return undefined;
  const { limit, length } = raw as { limit?: number; length?: number };
  const message =
    status === 413 && limit !== undefined
      ? `Request body of ${length ?? 'more than'} bytes is over the limit of ${limit} bytes`
      : raw.message;
  return { status, code: raw.type.replace(/\W+/g, '_'), message };
}

/** Every error leaves the API as { error: { code, message, details } }. */
export const errorHandler: ErrorRequestHandler = (raw, req, res, _next) => {
  const refused = clientRefusal(raw);
  if (refused) {
    res
      .status(refused.status)
      .json({ error: { code: refused.code, message: refused.message, details: { requestId: req.id } } });
    return;
  }
  const isJsonSyntax = raw instanceof SyntaxError && 'body' in raw;
  const error = toHubError(
    isJsonSyntax ? Object.assign(new Error(`Request body is not valid JSON: ${raw.message}`), {}) : raw,
  );
  const status = isJsonSyntax ? 400 : (statusByKind[error.kind] ?? 500);
  if (status >= 500) logger.error('request failed', { requestId: req.id, path: req.path, error });
  const code = isJsonSyntax ? 'invalid_json' : error.code;
  const message =
    status >= 500 && error.code === 'internal_error'
      ? 'Internal error; see the log with this request id'
      : error.message;
  res
    .status(status)
    .json({ error: { code, message, details: { ...error.toJSON().details, requestId: req.id } } });
};

export const notFoundHandler: RequestHandler = (req, res) => {
  res.status(404).json({
    error: {
      code: 'route_not_found',
      message: `No route ${req.method} ${req.path}`,
      details: { requestId: req.id },
    },
  });
};
