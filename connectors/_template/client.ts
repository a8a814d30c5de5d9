import type { ConnectorContext } from '../../core/connector/types.ts';
import { createHttpClient, type HttpClient } from '../../core/http/index.ts';
import type { TemplateConfig } from './config.ts';
import { classifyTemplateError } from './errors.ts';

/** The only file that does HTTP: auth, retries, the private-network guard and errors are set here. */
export function createTemplateClient(ctx: ConnectorContext<TemplateConfig>): HttpClient {
  return createHttpClient({
    baseURL: ctx.config.baseUrl,
    headers: { Accept: 'application/json' },
    authorize: (request) => {
      request.headers = { ...request.headers, Authorization: `Bearer ${ctx.config.apiKey}` };
    },
    allowPrivateNetwork: ctx.allowPrivateNetwork,
    classify: classifyTemplateError,
  });
}
