import express, { type Express } from 'express';
import type { Hub } from '../runtime/hub.ts';
import { errorHandler, notFoundHandler } from './middleware/errors.ts';
import { requestId } from './middleware/request-id.ts';
import { failureRoutes } from './routes/failures.ts';
import { healthRoutes } from './routes/health.ts';
import { runRoutes } from './routes/runs.ts';
import { tocRoutes } from './routes/toc.ts';
import { webhookRoutes } from './routes/webhooks.ts';

export function createApp(hub: Hub): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.use(requestId);
  app.use(healthRoutes(hub));
  app.use(webhookRoutes(hub));
  const api = express.Router();
  api.use(express.json({ limit: '20mb' }));
  api.use(tocRoutes());
  api.use(runRoutes(hub));
  api.use(failureRoutes(hub));
  app.use('/api', api);
  app.use(notFoundHandler);
  app.use(errorHandler);
  return app;
}
