import { createHmac, randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { loadEnv } from '../core/config/env.ts';
import type { Connector } from '../core/connector/types.ts';
import { openQueue } from '../core/queue/index.ts';
import { removeQueuePrefix } from '../core/queue/remove-keys.ts';
import { openHub } from '../core/runtime/hub.ts';
import { listen } from '../core/runtime/process.ts';
import { startWorkers } from '../core/runtime/worker.ts';
import { scopesAllowedFor } from '../core/security/roles.ts';
import { createToken } from '../core/security/tokens.ts';
import { createUser } from '../core/security/users.ts';
import { openStore } from '../core/store/index.ts';
import { type BenchLine, round } from './harness.ts';
import { loopbackConnector } from './support/loopback.ts';

const SECONDS = 10;

interface LoadResult {
  latency: { p50: number; p99: number };
  errors: number;
  non2xx: number;
  requests: { total: number };
}

function run(options: autocannon.Options): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    autocannon(options, (error, result) =>
      error ? reject(error) : resolve(result as unknown as LoadResult),
    );
  });
}

/** Webhook intake and an API read at fixed rates: p50, p99 and errors, with workers running behind. */
export default async function loadBenchmark(): Promise<BenchLine[]> {
  const env = loadEnv({ ...process.env, LOG_LEVEL: 'error' });
  const store = await openStore({
    databaseUrl: env.DATABASE_URL,
    dataDir: mkdtempSync(join(tmpdir(), 'thub-load-')),
    masterKey: randomBytes(32).toString('hex'),
  });
  // Each run brings its own master key: connections left by an earlier run could not be read.
  if (env.DATABASE_URL) await store.db.exec('TRUNCATE connections CASCADE');
  const queuePrefix = `thub-load-${randomBytes(3).toString('hex')}`;
  const queue = openQueue({ redisUrl: env.REDIS_URL, prefix: queuePrefix });
  const hub = await openHub(env, {
    store,
    queue,
    connectors: [loopbackConnector as Connector<unknown>],
    mappingsRoot: 'bench/mappings',
  });
  await store.connections.save(
    { id: 'load-src', kind: 'loopback', name: 'Load source', config: { webhookSecret: 'load-secret' } },
    loopbackConnector.configSchema,
  );
  const user = await createUser(store.db, {
    email: `load-${Date.now()}@example.com`,
    role: 'viewer',
    password: 'a long load test password',
  });
  const { token } = await createToken(store.db, {
    userId: user.id,
    userRole: 'viewer',
    name: 'load',
    scopes: scopesAllowedFor('viewer'),
  });
  const workers = await startWorkers(hub);
  const { server, url } = await listen(hub, 0);

  let sequence = 0;
  const webhooks = await run({
    url,
    duration: SECONDS,
    connections: 10,
    overallRate: 200,
    requests: [
      {
        method: 'POST',
        path: '/webhooks/load-src',
        setupRequest: (request) => {
          const n = sequence++;
          const body = JSON.stringify({
            id: `load-${n}`,
            record: { Id: `L${n}`, Name: `Load customer ${n}`, Email: `l${n}@example.com`, Seq: n },
          });
          const signature = createHmac('sha256', 'load-secret').update(body).digest('hex');
          return {
            ...request,
            body,
            headers: { 'content-type': 'application/json', 'x-signature': signature },
          };
        },
      },
    ],
  });
  const api = await run({
    url: `${url}/api/runs?limit=20`,
    duration: SECONDS,
    connections: 10,
    overallRate: 500,
    headers: { authorization: `Bearer ${token}` },
  });

  server.close();
  await workers.stop();
  await hub.close();
  await removeQueuePrefix(env.REDIS_URL, queuePrefix);
  const drivers = `${store.db.driver}+${queue.driver}`;
  const lines = (name: string, result: LoadResult, rate: number): BenchLine[] => [
    {
      bench: `load.${name}_p50_ms`,
      value: round(result.latency.p50),
      unit: 'ms',
      goal: `${rate} requests/s for ${SECONDS} s (${drivers})`,
    },
    {
      bench: `load.${name}_p99_ms`,
      value: round(result.latency.p99),
      unit: 'ms',
      goal: `${rate} requests/s for ${SECONDS} s (${drivers})`,
    },
    {
      bench: `load.${name}_errors`,
      value: result.errors + result.non2xx,
      unit: 'requests',
      goal: `0 of ${result.requests.total}`,
    },
  ];
  return [...lines('webhook', webhooks, 200), ...lines('api', api, 500)];
}
