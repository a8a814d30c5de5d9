import { execFileSync } from 'node:child_process';
import type { Server } from 'node:http';
import { listConnectors } from '../../connectors/registry.ts';
import { createApp } from '../../core/api/app.ts';
import type { Connector } from '../../core/connector/types.ts';
import { createMemoryQueue } from '../../core/queue/memory-driver.ts';
import { createUser } from '../../core/security/users.ts';
import { openEmbeddedStore } from '../support/drivers.ts';
import { memoryConnector } from '../support/memory-system.ts';
import { startTestHub, type TestHub } from '../support/test-hub.ts';

export const ADMIN = { email: 'admin@example.com', password: 'e2e admin password 1' };

/** An in-process hub (memory connector plus the real catalog) serving the built UI on an ephemeral port. */
export async function startE2eHub(): Promise<{ test: TestHub; url: string; stop(): Promise<void> }> {
  execFileSync('node', ['admin-ui/build.mjs', '--if-stale'], { stdio: 'inherit' });
  const test = await startTestHub({
    store: await openEmbeddedStore(),
    queue: createMemoryQueue(),
    connectors: [memoryConnector as Connector<unknown>, ...listConnectors()],
  });
  await createUser(test.hub.store.db, { ...ADMIN, role: 'admin' });
  const app = createApp(test.hub);
  const server = await new Promise<Server>((resolve) => {
    const created = app.listen(0, '127.0.0.1', () => resolve(created));
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    test,
    url: `http://127.0.0.1:${port}`,
    async stop() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await test.stop();
    },
  };
}
