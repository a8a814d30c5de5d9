import { z } from 'zod';
import { secret } from '../../core/connector/define.ts';
import type { CanonicalEntity } from '../../core/connector/types.ts';
import { entityNames } from '../../core/model/entities.ts';

const authSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('none') }),
  z.object({ type: z.literal('bearer'), token: secret() }),
  z.object({ type: z.literal('basic'), username: z.string().min(1), password: secret() }),
  z.object({
    type: z.literal('api_key'),
    /** Header that carries the key, e.g. X-API-Key or Api-Token. */
    header: z
      .string()
      .regex(/^[A-Za-z0-9-]+$/, 'an HTTP header name')
      .default('X-API-Key'),
    key: secret(),
  }),
  z.object({
    type: z.literal('oauth2_client_credentials'),
    tokenUrl: z.url(),
    clientId: z.string().min(1),
    clientSecret: secret(),
    scope: z.string().min(1).optional(),
    audience: z.string().min(1).optional(),
    /** RFC 6749 §2.3.1: HTTP Basic (recommended) or client_id/client_secret in the form body. */
    clientAuthentication: z.enum(['basic', 'body']).default('basic'),
  }),
]);

const paginationSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('none') }),
  z.object({
    type: z.literal('page'),
    pageParam: z.string().min(1).default('page'),
    sizeParam: z.string().min(1).default('per_page'),
    firstPage: z.number().int().min(0).default(1),
  }),
  z.object({
    type: z.literal('offset'),
    offsetParam: z.string().min(1).default('offset'),
    limitParam: z.string().min(1).default('limit'),
  }),
  z.object({
    type: z.literal('cursor'),
    /** Dotted path of the next cursor in the response body; empty or absent ends the read. */
    cursorPath: z.string().min(1),
    cursorParam: z.string().min(1).default('cursor'),
    sizeParam: z.string().min(1).optional(),
  }),
  /** RFC 8288 `Link: <…>; rel="next"`; the next URL must be on the base URL's origin. */
  z.object({ type: z.literal('link'), sizeParam: z.string().min(1).optional() }),
]);

const templateSchema = z.object({
  method: z.enum(['POST', 'PUT', 'PATCH']),
  /** `{externalId}`, `{canonicalId}` and `{<record field>}` are filled in, URL-encoded. */
  path: z.string().startsWith('/'),
});

const writeSchema = z.object({
  create: templateSchema.optional(),
  update: templateSchema.optional(),
  delete: z.object({ path: z.string().startsWith('/') }).optional(),
  /** Carries WriteOp.idempotencyKey so a retried write is applied once. */
  idempotencyHeader: z.string().min(1).default('Idempotency-Key'),
  /** Where the written record sits in the response body; the body itself when absent. */
  responseRecordPath: z.string().min(1).optional(),
});

const streamSchema = z.object({
  name: z.string().regex(/^[a-z][a-z0-9_]*$/, 'a lower_snake_case stream name'),
  entity: z.enum(entityNames as [CanonicalEntity, ...CanonicalEntity[]]),
  /** List path relative to the base URL, e.g. /v1/suppliers. */
  path: z.string().startsWith('/'),
  /** Dotted path of the record array in the response body (`data.items`); the body itself when absent. */
  recordPath: z.string().min(1).optional(),
  idField: z.string().min(1).default('id'),
  /** Fixed query parameters sent with every list request. */
  query: z.record(z.string(), z.string()).default({}),
  pageSize: z.number().int().positive().default(100),
  pagination: paginationSchema.default({ type: 'none' }),
  /** Records changed since the cursor: the highest `field` seen is sent as `param` next time. */
  incremental: z.object({ field: z.string().min(1), param: z.string().min(1) }).optional(),
  write: writeSchema.optional(),
});

export const restConfigSchema = z
  .object({
    baseUrl: z.url({ protocol: /^https?$/, message: 'an http(s) URL' }),
    auth: authSchema.default({ type: 'none' }),
    /** Extra headers on every request (Accept, API version headers ...). */
    headers: z.record(z.string(), z.string()).default({}),
    timeoutMs: z.number().int().positive().default(30_000),
    /** Where this API puts the message and the field in an error body, when not a common place. */
    errorMessagePath: z.string().min(1).optional(),
    errorFieldPath: z.string().min(1).optional(),
    streams: z.array(streamSchema).min(1),
  })
  .superRefine((config, ctx) => {
    const names = config.streams.map((stream) => stream.name);
    const twice = names.findIndex((name, index) => names.indexOf(name) !== index);
    if (twice >= 0)
      ctx.addIssue({
        code: 'custom',
        path: ['streams', twice, 'name'],
        message: `stream "${names[twice]}" declared twice`,
      });
  });

export type RestConfig = z.output<typeof restConfigSchema>;
export type RestAuth = RestConfig['auth'];
export type OAuthClientCredentials = Extract<RestAuth, { type: 'oauth2_client_credentials' }>;
export type RestStream = RestConfig['streams'][number];
export type RestPagination = RestStream['pagination'];
export type RestWriteSpec = NonNullable<RestStream['write']>;
