import type { CheckResult } from '../../core/connector/types.ts';
import { toHubError } from '../../core/errors/index.ts';
import type { HubspotClient } from './client.ts';
import type { HubspotConfig } from './config.ts';
import type { CrmObjectStream } from './streams/crm-object.ts';

type Check = CheckResult['checks'][number];

async function attempt(name: string, run: () => Promise<string>): Promise<Check> {
  try {
    return { name, ok: true, message: await run() };
  } catch (error) {
    return { name, ok: false, message: toHubError(error).message };
  }
}

/** Plain-language answers: does the token work, and can each object type be read. */
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
    );
  }
  return { ok: checks.every((check) => check.ok), checks };
}
