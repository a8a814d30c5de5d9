import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { ConnectorContext } from '../../core/connector/types.ts';
import { parseOrThrow } from '../../core/errors/index.ts';
import { registerSecretValue } from '../../core/log/index.ts';
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
const refreshTokenKey = `${tokenKey}.refresh`;
const renewEarlyMs = 5 * 60_000;

type OAuth = Extract<HubspotConfig['auth'], { type: 'oauth' }>;

/** The configured grant cached tokens came from: those of another app or refresh token are not reused. */
const grantOf = (auth: OAuth) =>
  createHash('sha256').update(`${auth.clientId}\n${auth.refreshToken}`).digest('base64url').slice(0, 24);

// An access token cached before tokens named their grant does not parse, and is renewed once.
const cachedTokenSchema = z.object({ accessToken: z.string(), expiresAt: z.number(), grant: z.string() });
// A bare string was cached before refresh tokens named their grant: it is the connection's own.
const cachedRefreshSchema = z.union([z.string(), z.object({ token: z.string(), grant: z.string() })]);

async function cachedToken(
  ctx: ConnectorContext<HubspotConfig>,
  grant: string,
): Promise<AccessToken | undefined> {
  const parsed = cachedTokenSchema.safeParse(await ctx.state.get(tokenKey));
  if (!parsed.success || parsed.data.grant !== grant) return undefined;
  return { accessToken: parsed.data.accessToken, expiresAt: parsed.data.expiresAt };
}

/** The refresh token HubSpot last issued for the configured grant, else the configured one. */
async function currentRefreshToken(ctx: ConnectorContext<HubspotConfig>, auth: OAuth, grant: string) {
  const parsed = cachedRefreshSchema.safeParse(await ctx.state.get(refreshTokenKey));
  const stored = parsed.success ? parsed.data : undefined;
  const cached = typeof stored === 'object' ? (stored.grant === grant ? stored.token : undefined) : stored;
  registerSecretValue(cached);
  return cached ?? auth.refreshToken;
}

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
  const grant = grantOf(auth);
  const isFresh = (token: AccessToken | undefined): token is AccessToken =>
    token !== undefined && token.expiresAt - renewEarlyMs > now();

  const renewUnlessDone = (stale: AccessToken | undefined) =>
    ctx.state.withLock(tokenKey, async () => {
      const latest = await cachedToken(ctx, grant);
      if (isFresh(latest) && latest.accessToken !== stale?.accessToken) return latest;
      const raw = await postToken({
        grant_type: 'refresh_token',
        client_id: auth.clientId,
        client_secret: auth.clientSecret,
        refresh_token: await currentRefreshToken(ctx, auth, grant),
      });
      const response = parseOrThrow(tokenResponseSchema, raw, { what: 'HubSpot token response' });
      const token = { accessToken: response.access_token, expiresAt: now() + response.expires_in * 1000 };
      registerSecretValue(response.refresh_token);
      // The connection state seals both.
      await ctx.state.set(refreshTokenKey, { token: response.refresh_token, grant });
      await ctx.state.set(tokenKey, { ...token, grant });
      return token;
    });

  return {
    async current() {
      const stored = await cachedToken(ctx, grant);
      return isFresh(stored) ? stored : renewUnlessDone(stored);
    },
    renew: (stale) => renewUnlessDone(stale),
    canRenew: true,
  };
}
