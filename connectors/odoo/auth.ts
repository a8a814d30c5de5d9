import type { ConnectorContext } from '../../core/connector/index.ts';
import { HubError } from '../../core/errors/index.ts';
import type { OdooRpc } from './client.ts';
import type { OdooConfig } from './config.ts';

function uidKey(config: OdooConfig): string {
  return `odoo.uid:${config.database}:${config.username}`;
}

/**
 * common.authenticate: the uid, or `false` (not a fault) when the login or key is wrong.
 * An API key is accepted wherever the password goes.
 * @see https://www.odoo.com/documentation/18.0/developer/reference/external_api.html#logging-in
 */
export async function authenticate(config: OdooConfig, rpc: OdooRpc): Promise<number> {
  const result = await rpc.call(
    'common',
    'authenticate',
    [config.database, config.username, config.apiKey, {}],
    'common.authenticate',
  );
  if (typeof result === 'number' && Number.isInteger(result) && result > 0) return result;
  if (result === false) {
    throw new HubError(
      'auth',
      'odoo_login_failed',
      `Odoo refused the login "${config.username}" on database "${config.database}": wrong user, password or API key`,
      { fieldPath: 'apiKey' },
    );
  }
  throw new HubError(
    'system',
    'odoo_unexpected_response',
    `common.authenticate returned ${JSON.stringify(result)}`,
  );
}

/** The uid, authenticated once per connection and cached; the lock keeps workers from racing. */
export async function resolveUid(ctx: ConnectorContext<OdooConfig>, rpc: OdooRpc): Promise<number> {
  const key = uidKey(ctx.config);
  const cached = await ctx.state.get<number | null>(key);
  if (typeof cached === 'number') return cached;
  return ctx.state.withLock(key, async () => {
    const again = await ctx.state.get<number | null>(key);
    if (typeof again === 'number') return again;
    const uid = await authenticate(ctx.config, rpc);
    await rememberUid(ctx, uid);
    return uid;
  });
}

export async function rememberUid(ctx: ConnectorContext<OdooConfig>, uid: number): Promise<void> {
  await ctx.state.set(uidKey(ctx.config), uid);
}

export async function forgetUid(ctx: ConnectorContext<OdooConfig>): Promise<void> {
  await ctx.state.set(uidKey(ctx.config), null);
}
