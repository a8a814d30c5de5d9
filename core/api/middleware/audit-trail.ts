import type { RequestHandler } from 'express';
import { logger } from '../../log/logger.ts';
import type { Hub } from '../../runtime/hub.ts';
import { recordAudit } from '../../store/repos/audit.ts';
import { type ApiOperation, matchParams } from '../openapi/operations.ts';

/**
 * Writes the audit entry of a successful call to an audited operation before its answer leaves,
 * so that whoever reads the log right after sees it. Handlers add details (never secrets) in
 * res.locals.auditDetails and may name the target in res.locals.auditTarget.
 */
export function auditTrail(hub: Hub): RequestHandler {
  return (req, res, next) => {
    const operation = res.locals.operation as ApiOperation | undefined;
    if (!operation?.audit) return next();
    const path = `${req.baseUrl}${req.path}`;
    const send = res.json.bind(res);
    res.json = (body: unknown) => {
      if (res.statusCode >= 400 || !req.principal) return send(body);
      const entry = {
        actor: req.principal.email,
        action: operation.audit!,
        target:
          (res.locals.auditTarget as string | undefined) ??
          (Object.values(matchParams(operation.path, path)).join(' ') || undefined),
        details: {
          method: req.method,
          path,
          via: req.principal.via,
          ...(res.locals.auditDetails as Record<string, unknown> | undefined),
        },
      };
      recordAudit(hub.store.db, entry).then(
        () => send(body),
        (error: unknown) => {
          logger.error('audit entry not written', { requestId: req.id, action: entry.action, error });
          res.status(500);
          send({
            error: {
              code: 'audit_failed',
              message: 'The change was made but its audit entry could not be written',
              details: { requestId: req.id },
            },
          });
        },
      );
      return res;
    };
    next();
  };
}
