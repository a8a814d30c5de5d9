import { z } from 'zod';
import type { WriteError, WriteResult } from '../../core/connector/types.ts';
import { parseOrThrow } from '../../core/errors/index.ts';
import { propertiesPathInMessage } from './errors.ts';

/**
 * The answer of batch/upsert and batch/update: 200 when every input was written, 207 Multi-Status
 * with `errors` naming the failed inputs otherwise. Each input carries its idempotency key as
 * objectWriteTraceId, which HubSpot echoes on results and (in `context`) on errors; an error that
 * names only `context.ids` (OBJECT_NOT_FOUND on update) is matched on the input's id.
 * @see https://developers.hubspot.com/docs/api-reference/latest/crm/objects/companies/batch/update-companies
 */
const batchResponseSchema = z.object({
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

type BatchError = NonNullable<z.output<typeof batchResponseSchema>['errors']>[number];

/** What was sent for one op: the id HubSpot knows it by in this call, and its idempotency key. */
export interface SentInput {
  id: string;
  objectWriteTraceId: string;
}

function kindOf(category: string | undefined): WriteError['kind'] {
  if (category === 'RATE_LIMITS') return 'rate_limited';
  if (category === 'OBJECT_NOT_FOUND') return 'not_found';
  return 'invalid_data';
}

function toWriteError(error: BatchError): WriteError {
  const property = error.context?.propertyName?.[0];
  const fieldPath = property ? `properties.${property}` : propertiesPathInMessage(error.message);
  return {
    kind: kindOf(error.category),
    code: (error.category ?? 'error').toLowerCase(),
    message: error.message,
    ...(fieldPath ? { fieldPath } : {}),
  };
}

function keysNamedBy(error: BatchError, keyById: Map<string, string>): string[] {
  const traced = error.context?.objectWriteTraceId ?? [];
  const byId = (error.context?.ids ?? []).flatMap((id) => keyById.get(id) ?? []);
  return [...new Set([...traced, ...byId])];
}

/** One result per input, in input order; an input HubSpot said nothing about is retried. */
export function batchOutcomes(body: unknown, inputs: SentInput[], what: string): WriteResult[] {
  const response = parseOrThrow(batchResponseSchema, body, { what: `${what} result` });
  const keyById = new Map(inputs.map((input) => [input.id, input.objectWriteTraceId]));
  const outcome = new Map<string, WriteResult>();
  for (const result of response.results) {
    const key = result.objectWriteTraceId ?? keyById.get(result.id);
    if (key)
      outcome.set(key, {
        ok: true,
        idempotencyKey: key,
        externalId: result.id,
        created: result.new ?? false,
      });
  }
  for (const error of response.errors ?? []) {
    for (const key of keysNamedBy(error, keyById))
      outcome.set(key, { ok: false, idempotencyKey: key, error: toWriteError(error) });
  }
  return inputs.map(
    ({ objectWriteTraceId: key }) =>
      outcome.get(key) ?? {
        ok: false,
        idempotencyKey: key,
        error: {
          kind: 'transient',
          code: 'result_missing',
          message: `${what}: HubSpot reported no result for this record`,
        },
      },
  );
}
