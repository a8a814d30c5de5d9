import type { CheckResult, ConnectorContext } from '../../core/connector/types.ts';
import { type HubError, toHubError } from '../../core/errors/index.ts';
import { assertPublicUrl, classifyHttpError } from '../../core/http/index.ts';
import type { TokenSource } from './auth.ts';
import type { RestClient } from './client.ts';
import type { RestConfig } from './config.ts';
import { describeErrorBody } from './errors.ts';
import { readRestStream } from './read.ts';

type Check = CheckResult['checks'][number];

/** What went wrong, in words a person setting up the connection can act on. */
function explain(error: HubError): string {
  const status = error.details.status as number | undefined;
  if (!status)
    return error.kind === 'transient' ? `the server could not be reached: ${error.message}` : error.message;
  const reason = describeErrorBody(error.details.body).message ?? 'no reason given';
  if (error.kind === 'auth') return `the server refused the credentials (HTTP ${status}): ${reason}`;
  if (error.kind === 'not_found') return `not found (HTTP 404); check the base URL and the stream path`;
  return `HTTP ${status}: ${reason}`;
}

const asHubError = (error: unknown) => toHubError(classifyHttpError(error));

export async function checkRest(
  ctx: ConnectorContext<RestConfig>,
  client: RestClient,
  tokens?: TokenSource,
): Promise<CheckResult> {
  const { config } = ctx;
  const checks: Check[] = [];
  try {
    await assertPublicUrl(config.baseUrl, ctx.allowPrivateNetwork);
    checks.push({ name: 'address', ok: true, message: `${client.origin} may be called from the hub` });
  } catch (error) {
    checks.push({ name: 'address', ok: false, message: explain(asHubError(error)) });
    return { ok: false, checks };
  }
  if (tokens && config.auth.type === 'oauth2_client_credentials') {
    try {
      await tokens.current();
      checks.push({
        name: 'sign-in',
        ok: true,
        message: `signed in at ${config.auth.tokenUrl} with client ${config.auth.clientId}`,
      });
    } catch (error) {
      checks.push({ name: 'sign-in', ok: false, message: explain(asHubError(error)) });
      return { ok: false, checks };
    }
  }
  for (const stream of config.streams) {
    const name = `stream ${stream.name}`;
    try {
      const first = await readRestStream(client, stream).next();
      const count = first.done ? 0 : first.value.records.length;
      checks.push({
        name,
        ok: true,
        message: `GET ${stream.path} answered with ${count} record(s) on the first page`,
      });
    } catch (error) {
      checks.push({ name, ok: false, message: `GET ${stream.path}: ${explain(asHubError(error))}` });
    }
  }
  return { ok: checks.every((check) => check.ok), checks };
}
