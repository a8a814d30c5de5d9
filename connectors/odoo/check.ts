import { z } from 'zod';
import type { CheckResult, ConnectorContext } from '../../core/connector/index.ts';
import { toHubError } from '../../core/errors/index.ts';
import { authenticate, rememberUid } from './auth.ts';
import { checkStreamModels } from './check-streams.ts';
import { createOdooClient, createOdooRpc } from './client.ts';
import type { OdooConfig } from './config.ts';

const versionSchema = z.looseObject({ server_version: z.string(), server_serie: z.string().optional() });

/** Reachability (common.version, no credentials), the login, then each model the streams read. */
export async function checkOdoo(ctx: ConnectorContext<OdooConfig>): Promise<CheckResult> {
  const rpc = createOdooRpc(ctx);
  const checks: CheckResult['checks'] = [];
  try {
    const version = versionSchema.parse(await rpc.call('common', 'version', [], 'common.version'));
    checks.push({
      name: 'server',
      ok: true,
      message: `Odoo ${version.server_version} answers at ${ctx.config.url}`,
    });
  } catch (error) {
    checks.push({
      name: 'server',
      ok: false,
      message: `Odoo does not answer at ${ctx.config.url}: ${toHubError(error).message}`,
    });
    return { ok: false, checks };
  }
  try {
    const uid = await authenticate(ctx.config, rpc);
    await rememberUid(ctx, uid);
    checks.push({
      name: 'login',
      ok: true,
      message: `Logged in as "${ctx.config.username}" on database "${ctx.config.database}"`,
    });
  } catch (error) {
    checks.push({ name: 'login', ok: false, message: toHubError(error).message });
    return { ok: false, checks };
  }
  try {
    checks.push(...(await checkStreamModels(createOdooClient(ctx))));
  } catch (error) {
    checks.push({ name: 'models', ok: false, message: toHubError(error).message });
  }
  return { ok: checks.every((check) => check.ok), checks };
}
