import client from 'prom-client';

export const registry = new client.Registry();
client.collectDefaultMetrics({ register: registry });

export const httpRequests = new client.Counter({
  name: 'thub_http_requests_total',
  help: 'HTTP requests served by the API',
  labelNames: ['method', 'route', 'status'],
  registers: [registry],
});

export const syncRecords = new client.Counter({
  name: 'thub_sync_records_total',
  help: 'Records processed by sync runs, by outcome',
  labelNames: ['connection', 'stream', 'outcome'],
  registers: [registry],
});

export const syncFailures = new client.Counter({
  name: 'thub_sync_failures_total',
  help: 'Records that landed in failed_syncs',
  labelNames: ['connection', 'stream', 'error_class'],
  registers: [registry],
});

export const jobDuration = new client.Histogram({
  name: 'thub_job_duration_seconds',
  help: 'Queue job processing time',
  labelNames: ['queue'],
  buckets: [0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [registry],
});

export const syncRuns = new client.Counter({
  name: 'thub_sync_runs_total',
  help: 'Finished sync runs, by status',
  labelNames: ['connection', 'stream', 'status'],
  registers: [registry],
});

export const writeLatency = new client.Histogram({
  name: 'thub_write_seconds',
  help: 'Time of one outbound write call to a target system',
  labelNames: ['connection'],
  buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
  registers: [registry],
});

/** Queue depth is read when Prometheus scrapes, from whatever queues the hub registered. */
export function registerQueueDepth(
  depth: () => Promise<Array<{ queue: string; state: string; count: number }>>,
): void {
  registry.removeSingleMetric('thub_queue_jobs');
  new client.Gauge({
    name: 'thub_queue_jobs',
    help: 'Jobs per queue and state',
    labelNames: ['queue', 'state'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const row of await depth()) this.set({ queue: row.queue, state: row.state }, row.count);
    },
  });
}
