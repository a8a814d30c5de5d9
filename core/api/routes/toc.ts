import { Router } from 'express';
import { executeTocCommand } from '../../toc/command.ts';
import { findTocCommand, listTocCommands } from '../../toc/registry.ts';

/** POST /api/toc/<command>: the same engines, validation and JSON as `thub toc <command>`. */
export function tocRoutes(): Router {
  const router = Router();
  router.get('/toc', (_req, res) => {
    res.json({
      items: listTocCommands().map((command) => ({ name: command.name, summary: command.summary })),
    });
  });
  router.post('/toc/:command', async (req, res) => {
    const command = findTocCommand(req.params.command);
    res.json(await executeTocCommand(command, req.body));
  });
  return router;
}
