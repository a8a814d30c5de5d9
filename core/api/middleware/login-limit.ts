import type { Request } from 'express';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';

/** At most `limit` sign-in attempts per address and email in the window; answers in the API's error shape. */
export function loginRateLimit(options: { windowMs?: number; limit?: number } = {}) {
  return rateLimit({
    windowMs: options.windowMs ?? 15 * 60 * 1000,
    limit: options.limit ?? 10,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    keyGenerator: (req: Request) => {
      const email = typeof req.body?.email === 'string' ? req.body.email.trim().toLowerCase() : '';
      return `${ipKeyGenerator(req.ip ?? '')}|${email}`;
    },
    handler: (req, res, _next, limitOptions) => {
      res.status(limitOptions.statusCode).json({
        error: {
          code: 'too_many_login_attempts',
          message: 'Too many sign-in attempts; wait a few minutes and try again',
          details: { requestId: req.id },
        },
      });
    },
  });
}
