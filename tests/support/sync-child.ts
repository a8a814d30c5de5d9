// A worker process for crash tests: syncs a deterministic source into the hub's PostgreSQL.
import { loadEnv } from '../../core/config/env.ts';
import type { Connector } from '../../core/connector/types.ts';
import { isHubError } from '../../core/errors/index.ts';
import { openHub } from '../../core/runtime/hub.ts';
import { runSync } from '../../core/sync/run-sync.ts';
import { memoryConnector, memorySystem } from './memory-system.ts';

const total = Number(process.env.SOURCE_RECORDS ?? 1000);
const source = memorySystem('crash-source');
for (let n = 1; n <= total; n++)
  source.put('customers', { id: `K${n}`, name: `Crash Customer ${n}`, email: `k${n}@example.com` });

const hub = await openHub(loadEnv(), {
  connectors: [memoryConnector as Connector<unknown>],
  mappingsRoot: 'tests/support/mappings',
});
await hub.store.connections.save(
  {
    id: 'src',
    kind: 'memory',
    name: 'Source',
    config: { system: 'crash-source', pageSize: 25, pageDelayMs: 20 },
  },
  memoryConnector.configSchema,
);
for (;;) {
  try {
    const run = await runSync(hub, { connectionId: 'src', stream: 'customers' });
    process.stdout.write(`${JSON.stringify({ status: run.status, counts: run.counts })}\n`);
    break;
  } catch (error) {
    if (!isHubError(error) || error.code !== 'stream_busy') throw error;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
await hub.close();
process.exit(0);
