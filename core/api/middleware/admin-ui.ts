import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import express, { type RequestHandler, Router } from 'express';

export const ADMIN_UI_DIST = resolve(import.meta.dirname, '../../../admin-ui/dist');

const NOT_UI = /^\/(api|admin\/queues|webhooks|healthz|readyz|metrics)(\/|$)/;

/**
 * The built admin UI (admin-ui/dist) at /, with the single-page fallback for its client routes.
 * `npm run demo` and `npm start` build it first when it is missing or older than its sources.
 */
export function adminUi(dist = ADMIN_UI_DIST): Router {
  const router = Router();
  router.use(express.static(dist, { index: false, maxAge: '1h', immutable: false }));
  const page: RequestHandler = (req, res, next) => {
    if (!['GET', 'HEAD'].includes(req.method) || NOT_UI.test(req.path)) return next();
    const index = join(dist, 'index.html');
    if (!existsSync(index)) {
      res
        .status(503)
        .type('text')
        .send(
          'The admin UI is not built yet: run `npm run build:ui` (npm start and npm run demo do it for you).',
        );
      return;
    }
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(index);
  };
  router.use(page);
  return router;
}
