import { z } from 'zod';
import {
  pushBackProblems,
  pushedFields,
  type TocResult,
  takesTocResults,
} from '../../core/connector/push-back.ts';
import type { CheckResult } from '../../core/connector/types.ts';
import { isHubError, toHubError } from '../../core/errors/index.ts';
import type { HubspotClient } from './client.ts';
import type { HubspotConfig } from './config.ts';
import type { CrmObjectStream } from './streams/crm-object.ts';

type Check = CheckResult['checks'][number];

const propertiesSchema = z.object({
  results: z.array(
    z.looseObject({
      name: z.string(),
      type: z.string(),
      hasUniqueValue: z.boolean().optional(),
      modificationMetadata: z.looseObject({ readOnlyValue: z.boolean().optional() }).optional(),
    }),
  ),
});
type Property = z.infer<typeof propertiesSchema>['results'][number];

/** The property type each TOC result is written as (see toHubspotValue); a result not named takes any. */
const pushBackTypes: Partial<Record<TocResult, string[]>> = {
  promiseDate: ['date'],
  // green, yellow, red or black: a dropdown (enumeration) holding them, or text.
  bufferStatus: ['enumeration', 'string'],
  throughputPerConstraintMinute: ['number'],
};
const dealResults: TocResult[] = ['promiseDate', 'bufferStatus', 'throughputPerConstraintMinute'];

/** What is wrong with the properties the hub writes to an object type; nothing when all is well. */
function propertyProblems(config: HubspotConfig, stream: CrmObjectStream, properties: Property[]): string[] {
  const byName = new Map(properties.map((property) => [property.name, property]));
  const own = byName.get(config.idProperty);
  const problems: string[] = [];
  if (!own)
    problems.push(`it has no property ${config.idProperty}, so the hub cannot upsert ${stream.objectType}`);
  else if (own.hasUniqueValue !== true)
    problems.push(`${config.idProperty} is not a unique property, so upserts on it are refused`);
  const fields = new Map(
    properties.map((property) => [
      property.name,
      { type: property.type, editable: property.modificationMetadata?.readOnlyValue !== true },
    ]),
  );
  return [...problems, ...pushBackProblems(pushedOf(config, stream), fields, pushBackTypes, 'property')];
}

const pushedOf = (config: HubspotConfig, stream: CrmObjectStream) =>
  stream.objectType === 'deals' ? pushedFields(config.pushBack, dealResults) : [];

/** The properties check of one object type: the hub's id property and, on deals, the push-back ones. */
async function checkProperties(config: HubspotConfig, client: HubspotClient, stream: CrmObjectStream) {
  const { objectType } = stream;
  let answer: unknown;
  try {
    answer = await client.send(
      { method: 'GET', url: `/crm/v3/properties/${objectType}` },
      `Read ${objectType} properties`,
    );
  } catch (error) {
    // Reading definitions takes a scope of its own that syncing does not need: unchecked, not failed.
    if (isHubError(error) && error.code === 'missing_scopes')
      return `${objectType} properties not checked: the app may not read their definitions (a crm.schemas read scope)`;
    throw error;
  }
  const problems = propertyProblems(config, stream, propertiesSchema.parse(answer).results);
  if (problems.length > 0) throw new Error(`${objectType}: ${problems.join('; ')}`);
  const pushed = pushedOf(config, stream).map(([, property]) => property);
  const also = pushed.length > 0 ? `, and ${takesTocResults(pushed)}` : '';
  return `${objectType} are upserted on ${config.idProperty}${also}`;
}

async function attempt(name: string, run: () => Promise<string>): Promise<Check> {
  try {
    return { name, ok: true, message: await run() };
  } catch (error) {
    return { name, ok: false, message: toHubError(error).message };
  }
}

/**
 * Plain-language answers: does the token work, can each object type be read, and are the properties
 * the hub writes there (its unique id property, the deal properties that take TOC results).
 */
export async function checkHubspot(
  config: HubspotConfig,
  client: HubspotClient,
  streams: CrmObjectStream[],
): Promise<CheckResult> {
  const how = config.auth.type === 'oauth' ? 'OAuth (token refreshed)' : 'private app token';
  const auth = await attempt('auth', async () => {
    const account = await client.send<{ portalId?: number }>(
      { method: 'GET', url: '/account-info/v3/details' },
      'Read account details',
    );
    return `Signed in to HubSpot account ${account.portalId ?? '(unknown)'} with the ${how}`;
  });
  if (!auth.ok) return { ok: false, checks: [auth] };
  const checks = [auth];
  for (const stream of streams) {
    checks.push(
      await attempt(`stream:${stream.spec.name}`, async () => {
        await client.send(
          { method: 'GET', url: `/crm/v3/objects/${stream.objectType}`, params: { limit: 1 } },
          `Read ${stream.objectType}`,
        );
        return `${stream.objectType} can be read`;
      }),
      await attempt(`properties:${stream.spec.name}`, () => checkProperties(config, client, stream)),
    );
  }
  return { ok: checks.every((check) => check.ok), checks };
}
