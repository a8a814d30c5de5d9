import type { AxiosRequestConfig } from 'axios';
import type { ConnectorContext } from '../../core/connector/types.ts';
import { HubError, isHubError } from '../../core/errors/index.ts';
import { createHttpClient } from '../../core/http/index.ts';
import { createTokenSource, type TokenSource } from './auth.ts';
import type { HubspotConfig } from './config.ts';
import { classifyHubspotError } from './errors.ts';

/** The only file that talks to HubSpot: axios through the hub's HTTP client. */
export interface HubspotClient {
  send<T>(config: AxiosRequestConfig, what: string): Promise<T>;
  tokens: TokenSource;
  usage(): { remaining: number; max: number } | undefined;
}

export function createHubspotClient(ctx: ConnectorContext<HubspotConfig>): HubspotClient {
  const { baseUrl, allowPrivate } = { baseUrl: ctx.config.baseUrl, allowPrivate: ctx.allowPrivateNetwork };
  const tokenHttp = createHttpClient({
    baseURL: baseUrl,
    allowPrivateNetwork: allowPrivate,
    classify: classifyHubspotError,
  });
  const tokens = createTokenSource(ctx, (form) =>
    tokenHttp.request(
      {
        method: 'POST',
        url: '/oauth/v1/token',
        data: new URLSearchParams(form).toString(),
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      },
      'HubSpot sign-in',
    ),
  );
  let usage: { remaining: number; max: number } | undefined;
  const http = createHttpClient({
    baseURL: baseUrl,
    allowPrivateNetwork: allowPrivate,
    classify: classifyHubspotError,
  });
  http.axios.interceptors.response.use((response) => {
    const remaining = Number(response.headers['x-hubspot-ratelimit-daily-remaining']);
    const max = Number(response.headers['x-hubspot-ratelimit-daily']);
    if (Number.isFinite(remaining) && Number.isFinite(max) && max > 0) usage = { remaining, max };
    return response;
  });

  function assertDailyAllowanceLeft() {
    if (!usage || (usage.max - usage.remaining) / usage.max < ctx.config.dailyUsageCeiling) return;
    throw new HubError(
      'rate_limited',
      'api_quota_reached',
      `HubSpot daily API allowance nearly used (${usage.remaining} of ${usage.max} calls left); syncing resumes when it resets`,
      {
        retryAfterMs: 3_600_000,
        details: { ...usage },
      },
    );
  }

  async function sendWith<T>(token: string, config: AxiosRequestConfig, what: string): Promise<T> {
    return http.request<T>(
      { ...config, headers: { ...(config.headers ?? {}), authorization: `Bearer ${token}` } },
      what,
    );
  }

  return {
    tokens,
    usage: () => usage,
    async send<T>(config: AxiosRequestConfig, what: string) {
      assertDailyAllowanceLeft();
      const token = await tokens.current();
      try {
        return await sendWith<T>(token.accessToken, config, what);
      } catch (error) {
        if (!tokens.canRenew || !isHubError(error) || error.details.status !== 401) throw error;
        return sendWith<T>((await tokens.renew(token)).accessToken, config, what);
      }
    },
  };
}
