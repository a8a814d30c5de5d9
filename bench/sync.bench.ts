import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadEnv } from '../core/config/env.ts';
import type { Connector } from '../core/connector/types.ts';
import { openQueue } from '../core/queue/index.ts';
import { CHANGES_QUEUE } from '../core/queue/outbox-relay.ts';
import { removeQueuePrefix } from '../core/queue/remove-keys.ts';
import { openHub } from '../core/runtime/hub.ts';
import { listen } from '../core/runtime/process.ts';
import type { Db } from '../core/store/db.ts';
import { openStore } from '../core/store/index.ts';
import { runSync } from '../core/sync/run-sync.ts';
import { writeQueueName } from '../core/sync/write-targets.ts';
import { type BenchLine, processCpuMs, round, withBaseline } from './harness.ts';
import { startExternalSystems } from './support/external.ts';
import { type BenchWorkers, startBenchWorkers } from './support/hub-workers.ts';
import { closePools, generateCustomers, loopbackConnector, registerSource } from './support/loopback.ts';

type ExternalSystems = Awaited<ReturnType<typeof startExternalSystems>>;

const RECORDS = Number(process.env.BENCH_SYNC_RECORDS ?? 100_000);
const WEBHOOK_RATE = 200;
const WEBHOOK_SECONDS = 10;
/**
 * Events sent at the same rate before measuring. Right after the 100,000-record load the hub is
 * still settling (PostgreSQL's checkpoint of the load, cold webhook code paths): those seconds are
 * reported on their own line instead of inside the steady-state percentiles.
 */
const WARMUP_SECONDS = 3;

/** The raw limit: the same rows as one batched INSERT ... ON CONFLICT per page, nothing else. */
async function rawUpsertRate(db: Db, rows: ReturnType<typeof generateCustomers>): Promise<number> {
  await db.exec(
    'DROP TABLE IF EXISTS bench_raw; CREATE TABLE bench_raw (id text PRIMARY KEY, body jsonb NOT NULL)',
  );
  const started = performance.now();
  for (let i = 0; i < rows.length; i += 1000) {
    const page = rows.slice(i, i + 1000);
    await db.query(
      'INSERT INTO bench_raw (id, body) SELECT * FROM unnest($1::text[], $2::jsonb[]) ON CONFLICT (id) DO UPDATE SET body = EXCLUDED.body',
      [page.map((row) => row.Id), page.map((row) => JSON.stringify(row))],
    );
  }
  const seconds = (performance.now() - started) / 1000;
  await db.exec('DROP TABLE bench_raw');
  return rows.length / seconds;
}

async function waitFor(check: () => Promise<boolean>, timeoutMs: number, what: string) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what} not reached in ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The process's resident memory, sampled: maxRSS would also count benchmarks run earlier in the process. */
function sampleRss() {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 50);
  return {
    stop() {
      clearInterval(timer);
      return Math.max(peak, process.memoryUsage.rss());
    },
  };
}

/** CPU time (ms) the hub's processes have used so far: this one (the API) and the worker process. */
async function hubCpuMs(workers: BenchWorkers): Promise<number> {
  return processCpuMs() + (await workers.cpuMs());
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export default async function syncBenchmark(): Promise<BenchLine[]> {
  const env = loadEnv({ ...process.env, LOG_LEVEL: 'error' });
  const masterKey = randomBytes(32).toString('hex');
  const store = await openStore({
    databaseUrl: env.DATABASE_URL,
    dataDir: mkdtempSync(join(tmpdir(), 'thub-bench-')),
    masterKey,
  });
  if (env.DATABASE_URL)
    await store.db.exec(
      `TRUNCATE golden_records, source_records, xref, change_log, outbox, sync_state, sync_runs, failed_syncs,
       outbound_writes, last_written, webhook_events, pending_refs, mdm_blocking_keys, mdm_matches, mdm_mint_counts,
       merge_history, connections CASCADE`,
    );
  const queuePrefix = `thub-bench-${randomBytes(3).toString('hex')}`;
  const queue = openQueue({ redisUrl: env.REDIS_URL, prefix: queuePrefix });
  const hub = await openHub(env, {
    store,
    queue,
    connectors: [loopbackConnector as Connector<unknown>],
    mappingsRoot: 'bench/mappings',
  });
  // The target and the webhook sender run in a process of their own, as other systems would.
  const external = await startExternalSystems();
  const source = generateCustomers(RECORDS);
  registerSource('bench', source);
  const baseline = await rawUpsertRate(store.db, source);

  await store.connections.save(
    {
      id: 'src',
      kind: 'loopback',
      name: 'Source',
      config: { source: 'bench', webhookSecret: 'bench-secret' },
    },
    loopbackConnector.configSchema,
  );
  await store.connections.save(
    {
      id: 'dst',
      kind: 'loopback',
      name: 'Target',
      config: { targetUrl: external.targetUrl },
      options: { push: ['customers'], concurrency: 2, allowPrivateNetwork: true },
    },
    loopbackConnector.configSchema,
  );
  const workers = await startBenchWorkers(hub, { masterKey, queuePrefix });
  const rss = sampleRss();

  const cpuBefore = await hubCpuMs(workers);
  const started = performance.now();
  await runSync(hub, { connectionId: 'src', stream: 'customers' });
  await waitFor(async () => (await external.arrived()) >= RECORDS, 600_000, 'all records at the target');
  const recordsPerSecond = RECORDS / ((performance.now() - started) / 1000);
  const cpuUsPerRecord = ((await hubCpuMs(workers)) - cpuBefore) * (1000 / RECORDS);

  // The sync's last writes are still being recorded: webhooks are measured on a settled hub.
  for (const name of [CHANGES_QUEUE, writeQueueName('dst')]) await hub.queue.whenIdle(name, 60_000);
  const { warmup, latencies, cpuMsPerEvent } = await measureWebhookLatency(hub, external, workers);
  const peakRss = rss.stop() + (await workers.stop());
  await hub.close();
  await external.stop();
  await closePools();
  await removeQueuePrefix(env.REDIS_URL, queuePrefix);
  const drivers = `${store.db.driver}+${queue.driver}, ${workers.shape}`;
  return [
    withBaseline({
      bench: 'sync.records_per_s',
      value: Math.round(recordsPerSecond),
      unit: 'records/s',
      baseline: Math.round(baseline),
      goal: `ratio >= 0.5 (${drivers}, ${RECORDS} records)`,
    }),
    {
      bench: 'sync.hub_cpu_us_per_record',
      value: Math.round(cpuUsPerRecord),
      unit: 'µs',
      goal: `informational: CPU time of the hub's processes (${workers.shape}) per record of the sync, PostgreSQL's not included`,
    },
    {
      bench: 'sync.webhook_latency_p50_ms',
      value: round(percentile(latencies, 50)),
      unit: 'ms',
      goal: `${WEBHOOK_RATE} events/s (${drivers})`,
    },
    {
      bench: 'sync.webhook_latency_p99_ms',
      value: round(percentile(latencies, 99)),
      unit: 'ms',
      goal: `< 250 ms at ${WEBHOOK_RATE} events/s for ${WEBHOOK_SECONDS} s after ${WARMUP_SECONDS} s warm-up (${drivers})`,
    },
    {
      bench: 'sync.webhook_latency_warmup_p99_ms',
      value: round(percentile(warmup, 99)),
      unit: 'ms',
      goal: `informational: the first ${WARMUP_SECONDS} s of webhooks at ${WEBHOOK_RATE} events/s, right after the sync (${drivers})`,
    },
    {
      bench: 'sync.webhook_hub_cpu_ms_per_event',
      value: round(cpuMsPerEvent),
      unit: 'ms',
      goal: `informational: CPU time of the hub's processes per webhook event while sending ${WEBHOOK_RATE} events/s (${drivers})`,
    },
    {
      bench: 'sync.peak_rss_mb',
      value: Math.round(peakRss / 2 ** 20),
      unit: 'MB',
      goal: `informational: resident memory of the hub's processes (${workers.shape}), each at its peak through the sync and the webhooks`,
    },
  ];
}

/** Webhook to target: each event's record is timed from its send until it reaches the target. */
async function measureWebhookLatency(
  hub: Awaited<ReturnType<typeof openHub>>,
  external: ExternalSystems,
  workers: BenchWorkers,
): Promise<{ warmup: number[]; latencies: number[]; cpuMsPerEvent: number }> {
  const { server, url } = await listen(hub, 0);
  const send = async (prefix: string, seconds: number) => {
    const sent = await external.sendWebhooks({
      url: `${url}/webhooks/src`,
      secret: 'bench-secret',
      prefix,
      rate: WEBHOOK_RATE,
      seconds,
    });
    if (sent.failed > 0) throw new Error(`${sent.failed} webhooks were refused`);
    return sent.sentAt;
  };
  const warmupSentAt = await send('U', WARMUP_SECONDS);
  const cpuBefore = await hubCpuMs(workers);
  const sentAt = await send('W', WEBHOOK_SECONDS);
  const cpuMs = (await hubCpuMs(workers)) - cpuBefore;
  const warmup = await latenciesOf(hub, external, warmupSentAt);
  const latencies = await latenciesOf(hub, external, sentAt);
  server.close();
  const cpuMsPerEvent = cpuMs / (WEBHOOK_RATE * WEBHOOK_SECONDS);
  return { warmup, latencies, cpuMsPerEvent };
}

/** Each sent record's time from its send until the target had it, sorted. */
async function latenciesOf(
  hub: Awaited<ReturnType<typeof openHub>>,
  external: ExternalSystems,
  sentAt: Record<string, number>,
): Promise<number[]> {
  const ids = Object.keys(sentAt);
  const canonicalOf = async () => {
    const { rows } = await hub.store.db.query<{ external_id: string; canonical_id: string }>(
      `SELECT external_id, canonical_id FROM xref WHERE connection_id = 'src' AND external_id = ANY($1::text[])`,
      [ids],
    );
    return new Map(rows.map((row) => [row.external_id, row.canonical_id]));
  };
  let canonical = new Map<string, string>();
  let arrivals: Record<string, number> = {};
  await waitFor(
    async () => {
      canonical = await canonicalOf();
      arrivals = await external.arrivals([...canonical.values()]);
      return Object.keys(arrivals).length >= ids.length;
    },
    60_000,
    'every webhook record at the target',
  );
  return ids.map((id) => arrivals[canonical.get(id)!]! - sentAt[id]!).sort((a, b) => a - b);
}
