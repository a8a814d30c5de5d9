// A `thub worker` process of the sync benchmark: services mode runs the API and the workers as
// separate processes, and this one knows the benchmark's loopback connector.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { loadEnv } from '../../core/config/env.ts';
import type { Connector } from '../../core/connector/types.ts';
import { openQueue } from '../../core/queue/index.ts';
import { openHub } from '../../core/runtime/hub.ts';
import { startWorkers } from '../../core/runtime/worker.ts';
import { openStore } from '../../core/store/index.ts';
import { processCpuMs } from '../harness.ts';
import { closePools, loopbackConnector } from './loopback.ts';

const command = z.object({ id: z.number(), type: z.enum(['cpu', 'stop']) });

const env = loadEnv({ ...process.env, LOG_LEVEL: 'error' });
const store = await openStore({
  databaseUrl: env.DATABASE_URL,
  dataDir: mkdtempSync(join(tmpdir(), 'thub-bench-worker-')),
  masterKey: process.env.BENCH_MASTER_KEY,
  migrate: false,
});
const queue = openQueue({ redisUrl: env.REDIS_URL, prefix: process.env.BENCH_QUEUE_PREFIX });
const hub = await openHub(env, {
  store,
  queue,
  connectors: [loopbackConnector as Connector<unknown>],
  mappingsRoot: 'bench/mappings',
});
const workers = await startWorkers(hub);

process.on('message', async (message: unknown) => {
  const parsed = command.parse(message);
  const reply = (value: unknown) => process.send!({ id: parsed.id, value });
  if (parsed.type === 'cpu') {
    reply(processCpuMs());
    return;
  }
  await workers.stop();
  await hub.close();
  await closePools();
  reply({ peakRssBytes: process.resourceUsage().maxRSS * 1024 });
  process.exit(0);
});
process.send!({ id: 0, value: null });
