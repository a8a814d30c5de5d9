import { z } from 'zod';
import type { WriteOp, WriteResult } from '../../core/connector/types.ts';
import { isHubError, parseOrThrow } from '../../core/errors/index.ts';
import type { HubspotClient } from './client.ts';
import type { CrmObjectStream } from './streams/crm-object.ts';

/**
 * Batch upsert on a unique property, 100 inputs a call. Each input carries its idempotency key
 * as objectWriteTraceId, which HubSpot echoes on results and errors, so every record gets its
 * own outcome even when the call answers 207 Multi-Status.
 * @see https://developers.hubspot.com/docs/api/crm/companies (Batch upsert)
 */
export const batchSize = 100;

const upsertResponseSchema = z.object({
  results: z.array(
    z.looseObject({ id: z.string(), new: z.boolean().optional(), objectWriteTraceId: z.string().optional() }),
  ),
  errors: z
    .array(
      z.looseObject({
        category: z.string().optional(),
        message: z.string(),
        context: z.record(z.string(), z.array(z.string())).optional(),
      }),
    )
    .optional(),
});

type UpsertError = NonNullable<z.output<typeof upsertResponseSchema>['errors']>[number];

function toWriteError(error: UpsertError): Extract<WriteResult, { ok: false }>['error'] {
  const property = error.context?.propertyName?.[0];
  return {
    kind: error.category === 'RATE_LIMITS' ? 'rate_limited' : 'invalid_data',
    code: (error.category ?? 'error').toLowerCase(),
    message: error.message,
    ...(property ? { fieldPath: `properties.${property}` } : {}),
  };
}

async function upsertBatch(
  client: HubspotClient,
  stream: CrmObjectStream,
  idProperty: string,
  ops: WriteOp[],
): Promise<WriteResult[]> {
  const inputs = ops.map((op) => {
    const { [idProperty]: id, ...properties } = op.record;
    return {
      idProperty,
      id: String(id ?? op.canonicalId),
      properties,
      objectWriteTraceId: op.idempotencyKey,
    };
  });
  const what = `Upsert ${ops.length} ${stream.objectType} on ${idProperty}`;
  let body: unknown;
  try {
    body = await client.send<unknown>(
      { method: 'POST', url: `/crm/v3/objects/${stream.objectType}/batch/upsert`, data: { inputs } },
      what,
    );
  } catch (error) {
    // A 400 names no record: the whole batch carries the error, and each op lands in failed syncs.
    if (!isHubError(error) || error.kind !== 'invalid_data') throw error;
    return ops.map((op) => ({
      ok: false,
      idempotencyKey: op.idempotencyKey,
      error: { kind: 'invalid_data', code: error.code, message: error.message },
    }));
  }
  const response = parseOrThrow(upsertResponseSchema, body, { what: `${what} result` });
  const outcome = new Map<string, WriteResult>();
  for (const result of response.results) {
    const key = result.objectWriteTraceId;
    if (key)
      outcome.set(key, {
        ok: true,
        idempotencyKey: key,
        externalId: result.id,
        created: result.new ?? false,
      });
  }
  for (const error of response.errors ?? []) {
    for (const key of error.context?.objectWriteTraceId ?? [])
      outcome.set(key, { ok: false, idempotencyKey: key, error: toWriteError(error) });
  }
  return ops.map(
    (op) =>
      outcome.get(op.idempotencyKey) ?? {
        ok: false,
        idempotencyKey: op.idempotencyKey,
        error: {
          kind: 'transient',
          code: 'result_missing',
          message: `${what}: HubSpot reported no result for this record`,
        },
      },
  );
}

/** @see https://developers.hubspot.com/docs/api/crm/companies (Batch archive) */
async function archiveBatch(
  client: HubspotClient,
  stream: CrmObjectStream,
  ops: WriteOp[],
): Promise<WriteResult[]> {
  const known = ops.filter((op) => op.externalId);
  if (known.length > 0) {
    await client.send(
      {
        method: 'POST',
        url: `/crm/v3/objects/${stream.objectType}/batch/archive`,
        data: { inputs: known.map((op) => ({ id: op.externalId })) },
      },
      `Archive ${known.length} ${stream.objectType}`,
    );
  }
  return ops.map(
    (op): WriteResult =>
      op.externalId
        ? { ok: true, idempotencyKey: op.idempotencyKey, externalId: op.externalId, created: false }
        : {
            ok: false,
            idempotencyKey: op.idempotencyKey,
            error: {
              kind: 'not_found',
              code: 'no_external_id',
              message: `No HubSpot id is known for ${op.canonicalId}`,
            },
          },
  );
}

export async function writeCrmObjects(
  client: HubspotClient,
  stream: CrmObjectStream,
  idProperty: string,
  ops: WriteOp[],
): Promise<WriteResult[]> {
  const outcome = new Map<string, WriteResult>();
  const upserts = ops.filter((op) => op.action === 'upsert');
  const deletes = ops.filter((op) => op.action === 'delete');
  for (let start = 0; start < upserts.length; start += batchSize) {
    for (const result of await upsertBatch(
      client,
      stream,
      idProperty,
      upserts.slice(start, start + batchSize),
    ))
      outcome.set(result.idempotencyKey, result);
  }
  for (let start = 0; start < deletes.length; start += batchSize) {
    for (const result of await archiveBatch(client, stream, deletes.slice(start, start + batchSize)))
      outcome.set(result.idempotencyKey, result);
  }
  return ops.map((op) => outcome.get(op.idempotencyKey) as WriteResult);
}
