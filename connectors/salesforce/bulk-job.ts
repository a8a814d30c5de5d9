import { parse } from 'csv-parse/sync';
import { z } from 'zod';
import { HubError, parseOrThrow } from '../../core/errors/index.ts';
import type { SalesforceClient } from './client.ts';
import type { SalesforceConfig } from './config.ts';

/**
 * Bulk API 2.0 jobs, shared by query (initial loads) and ingest (large writes).
 * @see https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/bulk_api_2_0.htm
 */
export const bulkJobSchema = z.looseObject({
  id: z.string(),
  state: z.enum(['Open', 'UploadComplete', 'InProgress', 'JobComplete', 'Failed', 'Aborted']),
  errorMessage: z.string().nullish(),
  numberRecordsProcessed: z.number().optional(),
  numberRecordsFailed: z.number().optional(),
});

export type BulkJob = z.output<typeof bulkJobSchema>;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function parseBulkJob(body: unknown, what: string): BulkJob {
  return parseOrThrow(bulkJobSchema, body, { what });
}

/**
 * Polls until the job is complete. A job still running after the configured time is handed to
 * the queue as transient; the cursor (reads) or the idempotent upsert (writes) makes the retry safe.
 */
export async function waitForBulkJob(
  client: SalesforceClient,
  path: string,
  config: Pick<SalesforceConfig, 'bulkPollIntervalMs' | 'bulkPollTimeoutMs'>,
  what: string,
): Promise<BulkJob> {
  const deadline = Date.now() + config.bulkPollTimeoutMs;
  for (;;) {
    const job = parseBulkJob((await client.send<unknown>({ method: 'GET', path }, what)).body, what);
    if (job.state === 'JobComplete') return job;
    if (job.state === 'Failed' || job.state === 'Aborted') {
      throw new HubError(
        'system',
        'bulk_job_failed',
        `${what}: Bulk API job ${job.id} ${job.state.toLowerCase()}: ${job.errorMessage ?? 'no reason given'}`,
        {
          details: { jobId: job.id },
        },
      );
    }
    if (Date.now() >= deadline) {
      throw new HubError(
        'transient',
        'bulk_job_pending',
        `${what}: Bulk API job ${job.id} is still ${job.state}`,
        {
          details: { jobId: job.id },
        },
      );
    }
    await sleep(config.bulkPollIntervalMs);
  }
}

/** Bulk CSV rows as records; Bulk API writes null as an empty field. */
export function parseBulkCsv(csv: string): Record<string, string | null>[] {
  const rows = parse(csv, { columns: true, skip_empty_lines: true, bom: true }) as Record<string, string>[];
  return rows.map((row) =>
    Object.fromEntries(Object.entries(row).map(([key, value]) => [key, value === '' ? null : value])),
  );
}
