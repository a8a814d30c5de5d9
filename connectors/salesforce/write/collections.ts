import { z } from 'zod';
import type { WriteResult } from '../../../core/connector/types.ts';
import { HubError, parseOrThrow } from '../../../core/errors/index.ts';
import type { SalesforceClient } from '../client.ts';
import { toWriteError } from '../errors.ts';

/** sObject Collections take at most 200 records a call. */
export const collectionSize = 200;

const recordErrorSchema = z.object({
  statusCode: z.string(),
  message: z.string(),
  fields: z.array(z.string()).optional(),
});

/** UpsertResult / SaveResult, one per record in request order. */
const saveResultsSchema = z.array(
  z.object({
    id: z.string().nullish(),
    success: z.boolean(),
    created: z.boolean().optional(),
    errors: z.array(recordErrorSchema),
  }),
);

export interface PreparedWrite {
  idempotencyKey: string;
  fields: Record<string, unknown>;
}

function chunk<T>(items: T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let start = 0; start < items.length; start += size) chunks.push(items.slice(start, start + size));
  return chunks;
}

function toResults(keys: string[], body: unknown, what: string): WriteResult[] {
  const results = parseOrThrow(saveResultsSchema, body, { what: `${what} result` });
  if (results.length !== keys.length) {
    throw new HubError(
      'system',
      'result_count_mismatch',
      `${what}: ${results.length} results for ${keys.length} records`,
    );
  }
  return results.map((result, index): WriteResult => {
    const idempotencyKey = keys[index];
    if (result.success && result.id)
      return { ok: true, idempotencyKey, externalId: result.id, created: result.created ?? false };
    return { ok: false, idempotencyKey, error: toWriteError(result.errors) };
  });
}

/** PATCHes `writes` to `path` in collections of 200 with allOrNone false, so one bad record fails alone. */
async function saveCollections(
  client: SalesforceClient,
  path: string,
  sobject: string,
  writes: PreparedWrite[],
  whatOf: (count: number) => string,
): Promise<WriteResult[]> {
  const results: WriteResult[] = [];
  for (const batch of chunk(writes, collectionSize)) {
    const what = whatOf(batch.length);
    const records = batch.map((write) => ({ attributes: { type: sobject }, ...write.fields }));
    const response = await client.send<unknown>(
      { method: 'PATCH', path, json: { allOrNone: false, records } },
      what,
    );
    results.push(
      ...toResults(
        batch.map((write) => write.idempotencyKey),
        response.body,
        what,
      ),
    );
  }
  return results;
}

/**
 * Upsert on the external id field.
 * @see https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_composite_sobjects_collections_upsert.htm
 */
export function upsertCollections(
  client: SalesforceClient,
  sobject: string,
  externalIdField: string,
  writes: PreparedWrite[],
): Promise<WriteResult[]> {
  return saveCollections(
    client,
    client.dataPath(`/composite/sobjects/${sobject}/${externalIdField}`),
    sobject,
    writes,
    (count) => `Upsert ${count} ${sobject} on ${externalIdField}`,
  );
}

/**
 * Update by Salesforce Id, which every write carries in `Id`: collection upserts take external id
 * fields only, never record ids.
 * @see https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_composite_sobjects_collections_update.htm
 */
export function updateCollections(
  client: SalesforceClient,
  sobject: string,
  writes: PreparedWrite[],
): Promise<WriteResult[]> {
  return saveCollections(
    client,
    client.dataPath('/composite/sobjects'),
    sobject,
    writes,
    (count) => `Update ${count} ${sobject} by Id`,
  );
}

/** A record already deleted (a delete sent again after its answer was lost): the delete is done. */
function alreadyDeletedAsDone(result: WriteResult, id: string): WriteResult {
  if (result.ok || result.error.code !== 'entity_is_deleted') return result;
  return { ok: true, idempotencyKey: result.idempotencyKey, externalId: id, created: false };
}

/** @see https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_composite_sobjects_collections_delete.htm */
export async function deleteCollections(
  client: SalesforceClient,
  sobject: string,
  deletes: Array<{ idempotencyKey: string; id: string }>,
): Promise<WriteResult[]> {
  const results: WriteResult[] = [];
  for (const batch of chunk(deletes, collectionSize)) {
    const what = `Delete ${batch.length} ${sobject}`;
    const response = await client.send<unknown>(
      {
        method: 'DELETE',
        path: client.dataPath('/composite/sobjects'),
        query: { ids: batch.map((item) => item.id).join(','), allOrNone: 'false' },
      },
      what,
    );
    const answers = toResults(
      batch.map((item) => item.idempotencyKey),
      response.body,
      what,
    );
    results.push(...answers.map((result, index) => alreadyDeletedAsDone(result, batch[index]!.id)));
  }
  return results;
}
