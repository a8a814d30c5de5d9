import { createHash, sign } from 'node:crypto';
import { z } from 'zod';
import type { ConnectorContext } from '../../core/connector/types.ts';
import { parseOrThrow } from '../../core/errors/index.ts';
import { registerSecretValue } from '../../core/log/index.ts';
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

type AuthContext = Pick<ConnectorContext<SalesforceConfig>, 'config' | 'state'>;
type RefreshTokenAuth = Extract<SalesforceConfig['auth'], { type: 'refresh_token' }>;

const fingerprint = (...parts: string[]) =>
  createHash('sha256').update(parts.join('\n')).digest('base64url').slice(0, 24);

/** Who signs in where: a session cached for another login URL, app or user is not reused. */
function signInOf({ loginUrl, auth }: SalesforceConfig): string {
  const who = auth.type === 'jwt_bearer' ? [auth.username, auth.audience] : [auth.refreshToken];
  return fingerprint(loginUrl, auth.type, auth.clientId, ...who);
}

/** The configured grant a rotated refresh token descends from: a refresh token entered since replaces it. */
const grantOf = (auth: RefreshTokenAuth) => fingerprint(auth.clientId, auth.refreshToken);

// A session cached before sessions named their sign-in does not parse, and is renewed once.
const cachedSessionSchema = z.object({
  accessToken: z.string(),
  instanceUrl: z.string(),
  expiresAt: z.number(),
  signIn: z.string(),
});

// A bare string was cached before rotated tokens named their grant: it is the connection's own.
const rotatedTokenSchema = z.union([z.string(), z.object({ token: z.string(), grant: z.string() })]);

/** The session cached for this connection's sign-in, if any. */
async function cachedSession(ctx: AuthContext): Promise<Session | undefined> {
  const parsed = cachedSessionSchema.safeParse(await ctx.state.get(sessionKey));
  if (!parsed.success || parsed.data.signIn !== signInOf(ctx.config)) return undefined;
  const { signIn: _signIn, ...session } = parsed.data;
  return session;
}

/** Caches a session for this connection's sign-in (the connection state seals it). */
export async function cacheSession(ctx: AuthContext, session: Session): Promise<void> {
  await ctx.state.set(sessionKey, { ...session, signIn: signInOf(ctx.config) });
}

/** The refresh token to present: the one rotated from the configured grant, else the configured one. */
async function currentRefreshToken(ctx: AuthContext, auth: RefreshTokenAuth): Promise<string> {
  const parsed = rotatedTokenSchema.safeParse(await ctx.state.get(rotatedRefreshTokenKey));
  const stored = parsed.success ? parsed.data : undefined;
  const rotated =
    typeof stored === 'object' ? (stored.grant === grantOf(auth) ? stored.token : undefined) : stored;
  registerSecretValue(rotated);
  return rotated ?? auth.refreshToken;
}

/** With refresh token rotation on, the old refresh token stops working once a new one is issued. */
async function keepRotatedRefreshToken(
  ctx: AuthContext,
  auth: RefreshTokenAuth,
  token: string,
): Promise<void> {
  registerSecretValue(token);
  await ctx.state.set(rotatedRefreshTokenKey, { token, grant: grantOf(auth) });
}

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
    params = {
      grant_type: 'refresh_token',
      refresh_token: await currentRefreshToken(ctx, auth),
      client_id: auth.clientId,
      ...(auth.clientSecret ? { client_secret: auth.clientSecret } : {}),
    };
  }
  const raw = await postTokenRequest(loginUrl, params, ctx);
  const token = parseOrThrow(tokenResponseSchema, raw, { what: 'Salesforce token response' });
  if (token.refresh_token && auth.type === 'refresh_token')
    await keepRotatedRefreshToken(ctx, auth, token.refresh_token);
  const session: Session = {
    accessToken: token.access_token,
    instanceUrl: token.instance_url,
    expiresAt: now() + ctx.config.sessionLifetimeMinutes * 60_000,
  };
  await cacheSession(ctx, session);
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
      const latest = await cachedSession(ctx);
      if (isFresh(latest) && latest.accessToken !== stale?.accessToken) return latest;
      return requestSession(ctx, now);
    });

  return {
    async current() {
      const stored = await cachedSession(ctx);
      return isFresh(stored) ? stored : renewUnlessDone(stored);
    },
    renew: (stale) => renewUnlessDone(stale),
  };
}
