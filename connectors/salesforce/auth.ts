import { sign } from 'node:crypto';
import { z } from 'zod';
import type { ConnectorContext } from '../../core/connector/types.ts';
import { parseOrThrow } from '../../core/errors/index.ts';
import { postTokenRequest } from './client.ts';
import type { SalesforceConfig } from './config.ts';

/**
 * Salesforce sessions: OAuth 2.0 refresh-token and JWT bearer flows against
 * /services/oauth2/token. Token responses carry no expiry, so the org's session timeout
 * (config) decides when to renew, a few minutes early.
 * @see https://help.salesforce.com/s/articleView?id=sf.remoteaccess_oauth_refresh_token_flow.htm
 * @see https://help.salesforce.com/s/articleView?id=sf.remoteaccess_oauth_jwt_flow.htm
 */
export type Session = {
  accessToken: string;
  instanceUrl: string;
  expiresAt: number;
};

export interface SessionSource {
  /** A session that is valid for a while yet, renewed first when it is close to expiry. */
  current(): Promise<Session>;
  /** Renews after Salesforce rejected `stale`, unless another worker already did. */
  renew(stale: Session): Promise<Session>;
}

const sessionKey = 'salesforce.session';
const rotatedRefreshTokenKey = 'salesforce.refresh_token';
const renewEarlyMs = 5 * 60_000;
const jwtLifetimeSeconds = 180;

const tokenResponseSchema = z.object({
  access_token: z.string().min(1),
  instance_url: z.url(),
  token_type: z.string().optional(),
  refresh_token: z.string().optional(),
});

function base64Url(value: string | Buffer): string {
  return Buffer.from(value).toString('base64url');
}

/** RS256-signed assertion for the JWT bearer flow. */
export function createJwtAssertion(
  claims: { clientId: string; username: string; audience: string },
  privateKey: string,
  now = Date.now(),
): string {
  const header = base64Url(JSON.stringify({ alg: 'RS256' }));
  const payload = base64Url(
    JSON.stringify({
      iss: claims.clientId,
      sub: claims.username,
      aud: claims.audience,
      exp: Math.floor(now / 1000) + jwtLifetimeSeconds,
    }),
  );
  const signature = sign('RSA-SHA256', Buffer.from(`${header}.${payload}`), privateKey);
  return `${header}.${payload}.${base64Url(signature)}`;
}

async function requestSession(ctx: ConnectorContext<SalesforceConfig>, now: () => number): Promise<Session> {
  const { auth, loginUrl } = ctx.config;
  let params: Record<string, string>;
  if (auth.type === 'jwt_bearer') {
    params = {
      grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
      assertion: createJwtAssertion(auth, auth.privateKey, now()),
    };
  } else {
    const rotated = await ctx.state.get<string>(rotatedRefreshTokenKey);
    params = {
      grant_type: 'refresh_token',
      refresh_token: rotated ?? auth.refreshToken,
      client_id: auth.clientId,
      ...(auth.clientSecret ? { client_secret: auth.clientSecret } : {}),
    };
  }
  const raw = await postTokenRequest(loginUrl, params, ctx);
  const token = parseOrThrow(tokenResponseSchema, raw, { what: 'Salesforce token response' });
  // With refresh token rotation on, the old refresh token stops working once a new one is issued.
  if (token.refresh_token) await ctx.state.set(rotatedRefreshTokenKey, token.refresh_token);
  const session: Session = {
    accessToken: token.access_token,
    instanceUrl: token.instance_url,
    expiresAt: now() + ctx.config.sessionLifetimeMinutes * 60_000,
  };
  await ctx.state.set(sessionKey, session);
  return session;
}

export function createSessionSource(
  ctx: ConnectorContext<SalesforceConfig>,
  now: () => number = Date.now,
): SessionSource {
  const isFresh = (session: Session | undefined): session is Session =>
    session !== undefined && session.expiresAt - renewEarlyMs > now();

  // Under the lock, re-read first: the worker that held it may have renewed already.
  const renewUnlessDone = (stale: Session | undefined) =>
    ctx.state.withLock(sessionKey, async () => {
      const latest = await ctx.state.get<Session>(sessionKey);
      if (isFresh(latest) && latest.accessToken !== stale?.accessToken) return latest;
      return requestSession(ctx, now);
    });

  return {
    async current() {
      const stored = await ctx.state.get<Session>(sessionKey);
      return isFresh(stored) ? stored : renewUnlessDone(stored);
    },
    renew: (stale) => renewUnlessDone(stale),
  };
}
