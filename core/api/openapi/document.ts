import { OpenAPIRegistry, OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import type { ApiOperation } from './operations.ts';
import { openApiPath, pathParams } from './operations.ts';
import { errorSchema } from './shapes.ts';

const errorResponse = (description: string) => ({
  description,
  content: { 'application/json': { schema: errorSchema } },
});

function register(registry: OpenAPIRegistry, operation: ApiOperation): void {
  const params = pathParams(operation.path);
  const secured = operation.role !== 'public';
  registry.registerPath({
    method: operation.method,
    path: openApiPath(operation.path),
    tags: [operation.tag],
    summary: operation.summary,
    description: !secured
      ? 'No credentials needed.'
      : operation.sessionRole
        ? `Needs the **${operation.sessionRole}** role when signed in; a token needs the **${operation.role}** role and scope.`
        : `Needs the **${operation.role}** role (or a token scope that grants it).`,
    security: secured ? [{ session: [] }, { bearer: [] }] : [],
    request: {
      params: params.length
        ? z.object(Object.fromEntries(params.map((name) => [name, z.string()])))
        : undefined,
      query: operation.query,
      body: operation.body ? { content: { 'application/json': { schema: operation.body } } } : undefined,
    },
    responses: {
      [operation.accepted ? 202 : 200]: {
        description: 'OK',
        content: { 'application/json': { schema: operation.response ?? z.object({}) } },
      },
      400: errorResponse('Invalid input: the message and details.fieldPath name the field'),
      ...(secured
        ? {
            401: errorResponse('No or unknown credentials'),
            403: errorResponse('Role too low, or missing X-CSRF-Token on a session request'),
          }
        : {}),
      404: errorResponse('Not found'),
    },
    'x-required-role': operation.role,
    ...(operation.sessionRole ? { 'x-session-role': operation.sessionRole } : {}),
    ...(operation.audit ? { 'x-audit-action': operation.audit } : {}),
  });
}

/** The OpenAPI 3.1 document, generated from the same zod schemas the routes validate with. */
export function buildOpenApiDocument(operations: ApiOperation[]) {
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'bearer', {
    type: 'http',
    scheme: 'bearer',
    description: 'An API token: Authorization: Bearer thub_…',
  });
  registry.registerComponent('securitySchemes', 'session', {
    type: 'apiKey',
    in: 'cookie',
    name: 'thub_session',
    description: 'The admin UI session; changing requests also need X-CSRF-Token',
  });
  for (const operation of operations) register(registry, operation);
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'Throughput Hub API',
      version: '0.1.0',
      description:
        'Lists page by ?limit=&offset= → { items, total, limit, offset }; the master-data lists (golden records, review queue) also by cursor: ?after= a nextCursor or ?before= a previousCursor, answered with nextCursor and previousCursor as well, so that their pages stay in step while records change. Errors are { error: { code, message, details } }.',
    },
    servers: [{ url: '/' }],
  });
}
