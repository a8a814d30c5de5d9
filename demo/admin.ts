import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Hub } from '../core/runtime/hub.ts';
import { createToken } from '../core/security/tokens.ts';
import { createUser, findUserForLogin, updateUser } from '../core/security/users.ts';

export const demoAdminEmail = 'admin@demo.throughput-hub.local';

/** The demo's admin (a fresh password each start) and an API token for scripts, also written to <data dir>/demo-token. */
export async function createDemoAdmin(
  hub: Hub,
): Promise<{ email: string; password: string; token: string; tokenFile: string }> {
  const password = `Demo-${randomBytes(9).toString('base64url')}`;
  const existing = await findUserForLogin(hub.store.db, demoAdminEmail);
  const user = existing
    ? await updateUser(hub.store.db, existing.id, { password, role: 'admin', disabled: false })
    : await createUser(hub.store.db, { email: demoAdminEmail, role: 'admin', password });
  const { token } = await createToken(hub.store.db, {
    userId: user.id,
    userRole: 'admin',
    name: `demo ${new Date().toISOString()}`,
    scopes: ['admin'],
  });
  await mkdir(hub.env.HUB_DATA_DIR, { recursive: true });
  const tokenFile = join(hub.env.HUB_DATA_DIR, 'demo-token');
  await writeFile(tokenFile, `${token}\n`, { mode: 0o600 });
  return { email: demoAdminEmail, password, token, tokenFile };
}
