import { z } from 'zod';
import type { ConnectorContext } from '../../core/connector/types.ts';
import { parseOrThrow } from '../../core/errors/index.ts';
import type { HubspotConfig } from './config.ts';

/**
 * Private apps use their static token. OAuth apps refresh at POST /oauth/v1/token a few minutes
 * before expires_in runs out, under the connection lock so workers never refresh in parallel.
 * @see https://developers.hubspot.com/docs/api/oauth/tokens
 */
export type AccessToken = { accessToken: string; expiresAt: number };

export interface TokenSource {
  current(): Promise<AccessToken>;
  /** Renews after HubSpot rejected `stale`, unless another worker already did. */
  renew(stale: AccessToken): Promise<AccessToken>;
  canRenew: boolean;
}

export type PostToken = (form: Record<string, string>) => Promise<unknown>;

const tokenKey = 'hubspot.token';
const renewEarlyMs = 5 * 60_000;

const tokenResponseSchema = z.object({
  access_token: z.string().min(1),
  refresh_token: z.string().min(1),
  expires_in: z.number().int().positive(),
  token_type: z.string().optional(),
});

export function createTokenSource(
  ctx: ConnectorContext<HubspotConfig>,
  postToken: PostToken,
  now: () => number = Date.now,
): TokenSource {
  const { auth } = ctx.config;
  if (auth.type === 'private_app') {
    const token = { accessToken: auth.accessToken, expiresAt: Number.POSITIVE_INFINITY };
    return { current: async () => token, renew: async () => token, canRenew: false };
  }
  const isFresh = (token: AccessToken | undefined): token is AccessToken =>
    token !== undefined && token.expiresAt - renewEarlyMs > now();

  const renewUnlessDone = (stale: AccessToken | undefined) =>
    ctx.state.withLock(tokenKey, async () => {
      const latest = await ctx.state.get<AccessToken>(tokenKey);
      if (isFresh(latest) && latest.accessToken !== stale?.accessToken) return latest;
      const refreshToken = (await ctx.state.get<string>(`${tokenKey}.refresh`)) ?? auth.refreshToken;
      const raw = await postToken({
        grant_type: 'refresh_token',
        client_id: auth.clientId,
        client_secret: auth.clientSecret,
        refresh_token: refreshToken,
      });
      const response = parseOrThrow(tokenResponseSchema, raw, { what: 'HubSpot token response' });
      const token = { accessToken: response.access_token, expiresAt: now() + response.expires_in * 1000 };
      await ctx.state.set(`${tokenKey}.refresh`, response.refresh_token);
      await ctx.state.set(tokenKey, token);
      return token;
    });

  return {
    async current() {
      const stored = await ctx.state.get<AccessToken>(tokenKey);
      return isFresh(stored) ? stored : renewUnlessDone(stored);
    },
    renew: (stale) => renewUnlessDone(stale),
    canRenew: true,
  };
}
