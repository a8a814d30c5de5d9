// A worker process for crash tests: relays the outbox and runs every consumer against the hub's
// PostgreSQL and Redis (from the environment) until it is killed or told to stop.
import { rest } from '../../connectors/rest/index.ts';
import { loadEnv } from '../../core/config/env.ts';
import type { Connector } from '../../core/connector/types.ts';
import { openHub } from '../../core/runtime/hub.ts';
import { startWorkers } from '../../core/runtime/worker.ts';
import { memoryConnector } from './memory-system.ts';

const hub = await openHub(loadEnv(), {
  connectors: [memoryConnector as Connector<unknown>, rest as Connector<unknown>],
  mappingsRoot: 'tests/support/mappings',
});
const workers = await startWorkers(hub);
process.stdout.write('ready\n');
process.on('SIGTERM', async () => {
  await workers.stop();
  await hub.close();
  process.exit(0);
});
