import { createMemoryState } from '../../../core/connector/index.ts';
import { logger } from '../../../core/log/index.ts';
import { odooConfigSchema } from '../../odoo/config.ts';
import type { OdooSandbox, OdooSandboxOptions } from './server.ts';

/**
 * The Odoo connector's context for a test against `sandbox`, signed in with `credentials`. No lag:
 * what a test writes is read at the next poll. The sandbox listens on the loopback address.
 */
export function sandboxContext(
  sandbox: OdooSandbox,
  credentials: OdooSandboxOptions,
  overrides: Record<string, unknown> = {},
) {
  const config = odooConfigSchema.parse({
    url: sandbox.url,
    database: credentials.database,
    username: credentials.login,
    apiKey: credentials.apiKey,
    lagSeconds: 0,
    ...overrides,
  });
  return {
    connectionId: 'odoo-sandbox',
    config,
    logger,
    state: createMemoryState(),
    allowPrivateNetwork: true,
  };
}
