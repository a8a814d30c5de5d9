import { z } from 'zod';
import { parseOrThrow } from '../../../core/errors/index.ts';
import type { SalesforceClient } from '../client.ts';
import type { SObjectStream } from '../streams/sobject-stream.ts';

/** @see https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_query.htm */
const queryResultSchema = z.object({
  totalSize: z.number(),
  done: z.boolean(),
  nextRecordsUrl: z.string().optional(),
  records: z.array(z.looseObject({ Id: z.string().optional() })),
});

type QueryResult = z.output<typeof queryResultSchema>;
export type SalesforceRecord = QueryResult['records'][number];

async function fetchPage(
  client: SalesforceClient,
  path: string,
  query: Record<string, string> | undefined,
  what: string,
) {
  const response = await client.send<unknown>({ method: 'GET', path, query }, what);
  return parseOrThrow(queryResultSchema, response.body, { what: `${what} result` });
}

/** Runs a SOQL query (queryAll includes deleted rows) and yields each page, following nextRecordsUrl. */
export async function* queryPages(
  client: SalesforceClient,
  soql: string,
  options: { all?: boolean; what: string },
): AsyncGenerator<QueryResult> {
  let page = await fetchPage(
    client,
    client.dataPath(options.all ? '/queryAll' : '/query'),
    { q: soql },
    options.what,
  );
  yield page;
  while (!page.done && page.nextRecordsUrl) {
    page = await fetchPage(client, page.nextRecordsUrl, undefined, options.what);
    yield page;
  }
}

export async function countRecords(client: SalesforceClient, soql: string, what: string): Promise<number> {
  for await (const page of queryPages(client, soql, { what })) return page.totalSize;
  return 0;
}

/**
 * Replaces each child relationship (`{ totalSize, done, records }` or null) with the plain list
 * of child records, fetching the rest when Salesforce paged a long list of children.
 */
export async function inlineChildren(
  client: SalesforceClient,
  stream: SObjectStream,
  records: SalesforceRecord[],
) {
  for (const record of records) {
    for (const child of stream.children) {
      const value = record[child.name];
      if (value === null || value === undefined) {
        record[child.name] = [];
        continue;
      }
      let page = parseOrThrow(queryResultSchema, value, {
        what: `${stream.sobject}.${child.name}`,
        recordId: record.Id,
      });
      const children = [...page.records];
      while (!page.done && page.nextRecordsUrl) {
        page = await fetchPage(client, page.nextRecordsUrl, undefined, `Read ${child.name} of ${record.Id}`);
        children.push(...page.records);
      }
      record[child.name] = children;
    }
  }
  return records;
}
