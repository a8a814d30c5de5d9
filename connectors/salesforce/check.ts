import { z } from 'zod';
import {
  pushBackProblems,
  pushedFields,
  type TocResult,
  takesTocResults,
} from '../../core/connector/push-back.ts';
import type { CheckResult, ConnectorContext } from '../../core/connector/types.ts';
import { toHubError } from '../../core/errors/index.ts';
import type { SessionSource } from './auth.ts';
import type { SalesforceClient } from './client.ts';
import type { SalesforceConfig } from './config.ts';
import type { SObjectStream } from './streams/sobject-stream.ts';

const versionsSchema = z.array(z.object({ version: z.string(), label: z.string(), url: z.string() }));
const describeSchema = z.looseObject({
  name: z.string(),
  queryable: z.boolean(),
  fields: z.array(
    z.looseObject({
      name: z.string(),
      externalId: z.boolean(),
      type: z.string().optional(),
      updateable: z.boolean().optional(),
    }),
  ),
});

/** The field types each TOC result can be written to; a result not named takes any. */
const pushBackTypes: Partial<Record<TocResult, string[]>> = {
  promiseDate: ['date'],
  // green, yellow, red or black: a picklist holding them, or text.
  bufferStatus: ['picklist', 'string', 'textarea'],
  throughputPerConstraintMinute: ['double', 'currency', 'percent', 'int'],
};

/** The TOC results the default outbound mappings put under `toc`, per sObject. */
const pushedOn: Record<string, TocResult[]> = {
  Opportunity: ['promiseDate', 'bufferStatus', 'throughputPerConstraintMinute'],
  Order: ['promiseDate'],
};

type Check = CheckResult['checks'][number];

async function checkVersion(client: SalesforceClient): Promise<Check> {
  const response = await client.send<unknown>(
    { method: 'GET', path: '/services/data/' },
    'List API versions',
  );
  const versions = versionsSchema.parse(response.body);
  const offered = versions.some((entry) => entry.version === client.apiVersion);
  const newest = versions.at(-1)?.version ?? 'none';
  return offered
    ? { name: 'api_version', ok: true, message: `API version ${client.apiVersion} is available` }
    : {
        name: 'api_version',
        ok: false,
        message: `This org does not offer API version ${client.apiVersion} (newest: ${newest})`,
      };
}

async function checkStream(
  client: SalesforceClient,
  config: SalesforceConfig,
  stream: SObjectStream,
): Promise<Check> {
  const name = `stream:${stream.spec.name}`;
  const response = await client.send<unknown>(
    { method: 'GET', path: client.dataPath(`/sobjects/${stream.sobject}/describe`) },
    `Describe ${stream.sobject}`,
  );
  const described = describeSchema.parse(response.body);
  if (!described.queryable)
    return { name, ok: false, message: `${stream.sobject} exists but this user cannot read it` };
  const key = described.fields.find((field) => field.name === config.externalIdField);
  if (!key?.externalId) {
    const problem = key ? 'is not marked as an external id' : 'does not exist';
    return {
      name,
      ok: false,
      message: `${stream.sobject} can be read, but ${config.externalIdField} ${problem}, so writes would fail`,
    };
  }
  const upserted = `${stream.sobject} can be read and upserted on ${config.externalIdField}`;
  const pushed = pushedFields(config.pushBack, pushedOn[stream.sobject] ?? []);
  const fields = new Map(
    described.fields.map((field) => [field.name, { type: field.type, editable: field.updateable }]),
  );
  const problems = pushBackProblems(pushed, fields, pushBackTypes, 'field');
  if (problems.length > 0) return { name, ok: false, message: `${upserted}, but ${problems.join('; ')}` };
  const message =
    pushed.length > 0 ? `${upserted}; ${takesTocResults(pushed.map(([, field]) => field))}` : upserted;
  return { name, ok: true, message };
}

async function attempt(name: string, run: () => Promise<Check>): Promise<Check> {
  try {
    return await run();
  } catch (error) {
    return { name, ok: false, message: toHubError(error).message };
  }
}

/** Plain-language answers: can we sign in, is the API version there, can each object be read and upserted. */
export async function checkSalesforce(
  ctx: ConnectorContext<SalesforceConfig>,
  sessions: SessionSource,
  client: SalesforceClient,
  streams: SObjectStream[],
): Promise<CheckResult> {
  const flow = ctx.config.auth.type === 'jwt_bearer' ? 'JWT bearer flow' : 'refresh token';
  const auth = await attempt('auth', async () => {
    const session = await sessions.current();
    return { name: 'auth', ok: true, message: `Signed in to ${session.instanceUrl} with the ${flow}` };
  });
  if (!auth.ok) return { ok: false, checks: [auth] };
  const checks = [auth, await attempt('api_version', () => checkVersion(client))];
  for (const stream of streams)
    checks.push(await attempt(`stream:${stream.spec.name}`, () => checkStream(client, ctx.config, stream)));
  const usage = client.usage();
  if (usage) {
    const share = usage.used / usage.max;
    checks.push({
      name: 'api_usage',
      ok: share < ctx.config.apiUsageCeiling,
      message: `${usage.used} of ${usage.max} daily API requests used (${Math.round(share * 100)}%)`,
    });
  }
  return { ok: checks.every((check) => check.ok), checks };
}
