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

/** Every error leaves the API as { error: { code, message, details } }. */
export const errorHandler: ErrorRequestHandler = (raw, req, res, _next) => {
  const isJsonSyntax = raw instanceof SyntaxError && 'body' in raw;
  const error = toHubError(isJsonSyntax ? Object.assign(new Error(`Request body is not valid JSON: ${raw.message}`), {}) : raw);
  const status = isJsonSyntax ? 400 : (statusByKind[error.kind] ?? 500);
  if (status >= 500) logger.error('request failed', { requestId: req.id, path: req.path, error });
  const code = isJsonSyntax ? 'invalid_json' : error.code;
  const message = status >= 500 && error.code === 'internal_error' ? 'Internal error; see the log with this request id' : error.message;
  res.status(status).json({ error: { code, message, details: { ...error.toJSON().details, requestId: req.id } } });
};

export const notFoundHandler: RequestHandler = (req, res) => {
  res.status(404).json({ error: { code: 'route_not_found', message: `No route ${req.method} ${req.path}`, details: { requestId: req.id } } });
};
