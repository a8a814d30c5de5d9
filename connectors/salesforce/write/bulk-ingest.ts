import { stringify } from 'csv-stringify/sync';
import type { WriteResult } from '../../../core/connector/types.ts';
import { parseBulkCsv, parseBulkJob, waitForBulkJob } from '../bulk-job.ts';
import type { SalesforceClient } from '../client.ts';
import type { SalesforceConfig } from '../config.ts';
import { toWriteError } from '../errors.ts';
import type { PreparedWrite } from './collections.ts';

/** Bulk API sets a field to null with #N/A; an absent column leaves it as it is. */
function toCsv(writes: PreparedWrite[]): string {
  const columns = [...new Set(writes.flatMap((write) => Object.keys(write.fields)))];
  const rows = writes.map((write) =>
    columns.map((column) => {
      const value = write.fields[column];
      if (value === null) return '#N/A';
      if (value === undefined) return '';
      return typeof value === 'object' ? JSON.stringify(value) : String(value);
    }),
  );
  return stringify([columns, ...rows], { record_delimiter: '\n' });
}

/** sf__Error reads `STATUS_CODE:message:Field1,Field2 --`, or `STATUS_CODE:message:--` naming no field. */
export function parseBulkError(text: string | null): ReturnType<typeof toWriteError> {
  const match = /^([A-Z_]+):(.*?)(?::([\w,]*))? ?--$/.exec(text ?? '');
  if (!match)
    return toWriteError([{ statusCode: 'UNKNOWN_EXCEPTION', message: text ?? 'Salesforce gave no reason' }]);
  const fields = match[3] ? match[3].split(',').filter(Boolean) : [];
  return toWriteError([{ statusCode: match[1], message: match[2], fields }]);
}

/**
 * Upsert through a Bulk API 2.0 ingest job: create, upload CSV, close, wait, then read the
 * successful and failed results and match them to the writes by external id.
 * @see https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/walkthrough_upload_data.htm
 */
export async function upsertBulk(
  client: SalesforceClient,
  config: SalesforceConfig,
  sobject: string,
  writes: PreparedWrite[],
): Promise<WriteResult[]> {
  const field = config.externalIdField;
  const what = `Bulk upsert ${writes.length} ${sobject}`;
  const created = await client.send<unknown>(
    {
      method: 'POST',
      path: client.dataPath('/jobs/ingest'),
      json: {
        object: sobject,
        externalIdFieldName: field,
        contentType: 'CSV',
        operation: 'upsert',
        lineEnding: 'LF',
      },
    },
    what,
  );
  const jobPath = client.dataPath(`/jobs/ingest/${parseBulkJob(created.body, what).id}`);
  await client.send({ method: 'PUT', path: `${jobPath}/batches`, csv: toCsv(writes) }, what);
  await client.send({ method: 'PATCH', path: jobPath, json: { state: 'UploadComplete' } }, what);
  await waitForBulkJob(client, jobPath, config, what);

  const byKey = new Map<string, WriteResult>();
  const keyOf = new Map(writes.map((write) => [String(write.fields[field]), write.idempotencyKey]));
  const succeeded = await client.send<string>(
    { method: 'GET', path: `${jobPath}/successfulResults/`, text: true },
    what,
  );
  for (const row of parseBulkCsv(succeeded.body)) {
    const idempotencyKey = keyOf.get(String(row[field]));
    if (idempotencyKey && row.sf__Id) {
      byKey.set(idempotencyKey, {
        ok: true,
        idempotencyKey,
        externalId: row.sf__Id,
        created: row.sf__Created === 'true',
      });
    }
  }
  const failed = await client.send<string>(
    { method: 'GET', path: `${jobPath}/failedResults/`, text: true },
    what,
  );
  for (const row of parseBulkCsv(failed.body)) {
    const idempotencyKey = keyOf.get(String(row[field]));
    if (idempotencyKey)
      byKey.set(idempotencyKey, { ok: false, idempotencyKey, error: parseBulkError(row.sf__Error) });
  }
  return writes.map(
    (write) =>
      byKey.get(write.idempotencyKey) ?? {
        ok: false,
        idempotencyKey: write.idempotencyKey,
        error: {
          kind: 'transient',
          code: 'bulk_result_missing',
          message: `${what}: Salesforce reported no result for this record`,
        },
      },
  );
}
