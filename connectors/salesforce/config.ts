import { z } from 'zod';
import { secret } from '../../core/connector/define.ts';

const refreshTokenAuth = z.object({
  type: z.literal('refresh_token'),
  /** Consumer key of the connected app. */
  clientId: z.string().min(1),
  clientSecret: secret().optional(),
  refreshToken: secret(),
});

const jwtBearerAuth = z.object({
  type: z.literal('jwt_bearer'),
  clientId: z.string().min(1),
  /** The Salesforce user the integration acts as. */
  username: z.string().min(1),
  /** PEM private key whose certificate is uploaded to the connected app. */
  privateKey: secret(),
  /** @see https://help.salesforce.com/s/articleView?id=sf.remoteaccess_oauth_jwt_flow.htm */
  audience: z.url().default('https://login.salesforce.com'),
});

/** API names of the fields that receive TOC results; a result without a field is not pushed. */
const pushBackFields = z.object({
  promiseDate: z.string().min(1).optional(),
  bufferStatus: z.string().min(1).optional(),
  throughputPerConstraintMinute: z.string().min(1).optional(),
});

export const salesforceConfigSchema = z.object({
  /** https://login.salesforce.com, https://test.salesforce.com or the org's My Domain. */
  loginUrl: z.url().default('https://login.salesforce.com'),
  apiVersion: z
    .string()
    .regex(/^\d{2,3}\.0$/, 'an API version such as 62.0')
    .default('62.0'),
  auth: z.discriminatedUnion('type', [refreshTokenAuth, jwtBearerAuth]),
  /** Salesforce does not say when a session expires; this is the org's session timeout. */
  sessionLifetimeMinutes: z.number().int().positive().default(120),
  /** Field that carries the hub's id on every written record (upsert key). */
  externalIdField: z.string().min(1).default('Hub_Id__c'),
  /** How far back each incremental read re-reads to catch late commits. */
  overlapSeconds: z.number().int().min(0).default(300),
  /** Initial loads larger than this go through Bulk API 2.0. */
  bulkReadThreshold: z.number().int().positive().default(50_000),
  /** Write batches larger than this go through Bulk API 2.0 ingest. */
  bulkWriteThreshold: z.number().int().positive().default(2_000),
  bulkPollIntervalMs: z.number().int().min(0).default(5_000),
  bulkPollTimeoutMs: z.number().int().positive().default(600_000),
  /** Share of the daily API requests the hub may use before it stops and waits. */
  apiUsageCeiling: z.number().gt(0).max(1).default(0.9),
  quotaRetryAfterMinutes: z.number().int().positive().default(60),
  pushBack: pushBackFields.default({}),
});

export type SalesforceConfig = z.output<typeof salesforceConfigSchema>;
