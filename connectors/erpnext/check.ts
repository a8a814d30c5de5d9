import type { CheckResult, ConnectorContext } from '../../core/connector/index.ts';
import { toHubError } from '../../core/errors/index.ts';
import { createErpnextClient } from './client.ts';
import type { ErpnextConfig } from './config.ts';

/** The API key works when frappe.auth.get_logged_user names its user. */
export async function checkErpnext(ctx: ConnectorContext<ErpnextConfig>): Promise<CheckResult> {
  try {
    const user = await createErpnextClient(ctx).loggedUser();
    return {
      ok: true,
      checks: [{ name: 'login', ok: true, message: `Signed in to ${ctx.config.url} as ${user}` }],
    };
  } catch (error) {
    const failure = toHubError(error);
    const message =
      failure.kind === 'auth'
        ? `ERPNext refused the API key and secret (${failure.message})`
        : failure.message;
    return { ok: false, checks: [{ name: 'login', ok: false, message }] };
  }
}
