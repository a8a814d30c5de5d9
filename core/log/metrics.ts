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
