import { parseBulkCsv, parseBulkJob, waitForBulkJob } from '../bulk-job.ts';
import type { SalesforceClient } from '../client.ts';
import type { SalesforceConfig } from '../config.ts';

/** Rows asked for per results call; Salesforce may return fewer and says where to go on. */
export const bulkResultPageSize = 50_000;

export async function createQueryJob(client: SalesforceClient, soql: string, what: string): Promise<string> {
  const response = await client.send<unknown>(
    { method: 'POST', path: client.dataPath('/jobs/query'), json: { operation: 'query', query: soql } },
    what,
  );
  return parseBulkJob(response.body, what).id;
}

/**
 * Yields result chunks from `locator` on, each with the locator of the next one (undefined at
 * the end: Salesforce sends the string "null").
 * @see https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/query_get_job_results.htm
 */
export async function* readQueryResults(
  client: SalesforceClient,
  config: SalesforceConfig,
  jobId: string,
  locator: string | undefined,
  what: string,
): AsyncGenerator<{ records: Record<string, string | null>[]; next: string | undefined }> {
  const jobPath = client.dataPath(`/jobs/query/${jobId}`);
  await waitForBulkJob(client, jobPath, config, what);
  let current = locator;
  do {
    const query: Record<string, string> = {
      maxRecords: String(bulkResultPageSize),
      ...(current ? { locator: current } : {}),
    };
    const response = await client.send<string>(
      { method: 'GET', path: `${jobPath}/results`, query, text: true },
      what,
    );
    const nextLocator = response.headers['sforce-locator'];
    current = nextLocator && nextLocator !== 'null' ? nextLocator : undefined;
    yield { records: parseBulkCsv(response.body), next: current };
  } while (current);
}
