import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { ConnectorContext } from '../../core/connector/types.ts';
import { HubError } from '../../core/errors/index.ts';
import type { OAuthClientCredentials, RestConfig } from './config.ts';

export interface TokenSource {
  /** A token valid for at least another minute, fetched under the connection's lock when needed. */
  current(): Promise<string>;
  /** Forgets `token` if it is still the stored one (it was refused). */
  invalidate(token: string): Promise<void>;
}

const tokenKey = 'rest.oauth2.token';
const refreshMarginMs = 60_000;
/** RFC 6749 §5.1 leaves expires_in optional; without it the token is renewed hourly. */
const defaultLifetimeS = 3600;

const tokenResponseSchema = z.object({
  access_token: z.string().min(1),
  token_type: z
    .string()
    .refine((type) => type.toLowerCase() === 'bearer', 'only Bearer tokens are supported'),
  expires_in: z.coerce.number().positive().optional(),
});

const storedSchema = z.object({ accessToken: z.string(), expiresAt: z.number(), client: z.string() });
type StoredToken = z.output<typeof storedSchema>;

/** Tokens of another token URL, client or scope (after a config change) are not reused. */
function clientKey(auth: OAuthClientCredentials): string {
  return createHash('sha256')
    .update([auth.tokenUrl, auth.clientId, auth.scope ?? '', auth.audience ?? ''].join('\n'))
    .digest('hex');
}

export function createTokenSource(
  ctx: ConnectorContext<RestConfig>,
  auth: OAuthClientCredentials,
  fetchToken: () => Promise<unknown>,
  now: () => number = Date.now,
): TokenSource {
  const client = clientKey(auth);
  const stored = async (): Promise<StoredToken | undefined> => {
    const parsed = storedSchema.safeParse(await ctx.state.get(tokenKey));
    return parsed.success && parsed.data.client === client ? parsed.data : undefined;
  };
  const fresh = (token: StoredToken | undefined) => token && token.expiresAt - refreshMarginMs > now();

  return {
    async current() {
      const known = await stored();
      if (fresh(known)) return known!.accessToken;
      return ctx.state.withLock(tokenKey, async () => {
        const again = await stored();
        if (fresh(again)) return again!.accessToken;
        const raw = await fetchToken();
        const parsed = tokenResponseSchema.safeParse(raw);
        if (!parsed.success) {
          const issue = parsed.error.issues[0];
          throw new HubError(
            'auth',
            'oauth_bad_token_response',
            `the token endpoint answered without a usable token: ${issue.path.join('.') || '(body)'}: ${issue.message}`,
          );
        }
        const token: StoredToken = {
          accessToken: parsed.data.access_token,
          expiresAt: now() + (parsed.data.expires_in ?? defaultLifetimeS) * 1000,
          client,
        };
        await ctx.state.set(tokenKey, token);
        return token.accessToken;
      });
    },
    async invalidate(token) {
      await ctx.state.withLock(tokenKey, async () => {
        if ((await stored())?.accessToken === token) await ctx.state.set(tokenKey, null);
      });
    },
  };
}
