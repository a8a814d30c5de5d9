import { Router } from 'express';
import { docsCss, renderDocsPage } from '../openapi/docs-page.ts';
import { buildOpenApiDocument } from '../openapi/document.ts';
import type { ApiOperation } from '../openapi/operations.ts';

export function openApiRoutes(operations: ApiOperation[]): Router {
  const router = Router();
  let cached: ReturnType<typeof buildOpenApiDocument> | undefined;
  const doc = () => {
    cached ??= buildOpenApiDocument(operations);
    return cached;
  };
  router.get('/openapi.json', (_req, res) => {
    res.json(doc());
  });
  router.get('/docs', (_req, res) => {
    res.type('html').send(renderDocsPage(doc()));
  });
  router.get('/docs.css', (_req, res) => {
    res.type('css').send(docsCss);
  });
  return router;
}
