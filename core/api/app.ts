import express, { type Express } from 'express';
import type { Hub } from '../runtime/hub.ts';
import { adminUi } from './middleware/admin-ui.ts';
import { auditTrail } from './middleware/audit-trail.ts';
import { authenticate } from './middleware/authenticate.ts';
import { authorize } from './middleware/authorize.ts';
import { errorHandler, notFoundHandler } from './middleware/errors.ts';
import { requestId } from './middleware/request-id.ts';
import { securityHeaders } from './middleware/security-headers.ts';
import { apiOperations } from './openapi/catalog.ts';
import { auditRoutes } from './routes/audit.ts';
import { authRoutes } from './routes/auth.ts';
import { connectionRoutes } from './routes/connections.ts';
import { failureRoutes } from './routes/failures.ts';
import { flowRunRoutes } from './routes/flow-runs.ts';
import { healthRoutes } from './routes/health.ts';
import { mappingRoutes } from './routes/mappings.ts';
import { mdmRoutes } from './routes/mdm.ts';
import { openApiRoutes } from './routes/openapi.ts';
import { QUEUE_BOARD_PATH, queueBoard, requireBoardAdmin } from './routes/queue-board.ts';
import { recordRoutes } from './routes/records.ts';
import { runRoutes } from './routes/runs.ts';
import { tocRoutes } from './routes/toc.ts';
import { tocServiceRoutes } from './routes/toc-services.ts';
import { tokenRoutes } from './routes/tokens.ts';
import { userRoutes } from './routes/users.ts';
import { webhookIntake } from './routes/webhooks.ts';
import { refuseUnstorableInput } from './validate.ts';

export interface AppOptions {
  /** Sign-in attempts per address and email per 15 minutes. @defaultValue 10 */
  loginLimit?: number;
  /** Folder of the built admin UI. */
  uiDist?: string;
}

/**
 * Health, metrics and webhooks (verified by signature) are open; everything under /api needs a
 * session or a token and the role its operation names (see openapi/catalog.ts).
 */
export function createApp(hub: Hub, options: AppOptions = {}): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.use(webhookIntake(hub));
  app.use(requestId);
  app.use(securityHeaders());
  app.use(healthRoutes(hub));
  const api = express.Router();
  api.use(express.json({ limit: '20mb' }));
  api.use(authenticate(hub));
  api.use(authorize(apiOperations));
  api.use(refuseUnstorableInput);
  api.use(auditTrail(hub));
  api.use(authRoutes(hub, { loginLimit: options.loginLimit }));
  api.use(openApiRoutes(apiOperations));
  api.use(userRoutes(hub));
  api.use(tokenRoutes(hub));
  api.use(auditRoutes(hub));
  api.use(connectionRoutes(hub));
  api.use(mappingRoutes(hub));
  api.use(recordRoutes(hub));
  api.use(mdmRoutes(hub));
  api.use(tocServiceRoutes(hub));
  api.use(tocRoutes());
  api.use(runRoutes(hub));
  api.use(failureRoutes(hub));
  api.use(flowRunRoutes(hub));
  app.use('/api', api);
  app.use(QUEUE_BOARD_PATH, authenticate(hub), requireBoardAdmin, queueBoard(hub));
  app.use(adminUi(options.uiDist));
  app.use(notFoundHandler);
  app.use(errorHandler);
  return app;
}
