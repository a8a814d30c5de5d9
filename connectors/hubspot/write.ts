import type { WriteOp, WriteResult } from '../../core/connector/types.ts';
import { type HubError, isHubError } from '../../core/errors/index.ts';
import { batchOutcomes } from './batch-result.ts';
import type { HubspotClient } from './client.ts';
import type { HubspotConfig } from './config.ts';
import { isCalendarDay, startOfPortalDay } from './portal-time-zone.ts';
import { withPushBack } from './push-back.ts';
import type { CrmObjectStream } from './streams/crm-object.ts';

/**
 * Writes in batches of 100. An op whose HubSpot id the hub already knows (the object started in
 * HubSpot) is updated by that id, with the hub's id property filled in: its id property may still
 * be empty there, and an upsert on it would create a copy. Every other op is upserted on the id
 * property, so retries never duplicate.
 * @see https://developers.hubspot.com/docs/api/crm/companies (Batch update, Batch upsert)
 */
export const batchSize = 100;

type Mode = 'update' | 'upsert';

function inputOf(op: WriteOp, idProperty: string, mode: Mode) {
  const { [idProperty]: own, ...properties } = op.record;
  const hubId = String(own ?? op.canonicalId);
  const objectWriteTraceId = op.idempotencyKey;
  if (mode === 'update' && op.externalId)
    return { id: op.externalId, properties: { ...properties, [idProperty]: hubId }, objectWriteTraceId };
  return { idProperty, id: hubId, properties, objectWriteTraceId };
}

/** Refusals of a record's values: a 400 (invalid data) or a 409 (a unique value another object holds). */
const refusesRecords = (error: HubError) => error.kind === 'invalid_data' || error.kind === 'conflict';

function refusedAlone(op: WriteOp, error: HubError): WriteResult {
  return {
    ok: false,
    idempotencyKey: op.idempotencyKey,
    error: { kind: error.kind, code: error.code, message: error.message, fieldPath: error.fieldPath },
  };
}

/**
 * One call for `ops`. HubSpot refuses a whole batch with a 400 or 409 when one input is invalid or
 * a duplicate and names no record, so such a batch is split in halves until the refused ops stand alone.
 */
async function writeBatch(
  client: HubspotClient,
  stream: CrmObjectStream,
  idProperty: string,
  mode: Mode,
  ops: WriteOp[],
): Promise<WriteResult[]> {
  const inputs = ops.map((op) => inputOf(op, idProperty, mode));
  const what = `${mode === 'update' ? 'Update' : 'Upsert'} ${ops.length} ${stream.objectType}`;
  let body: unknown;
  try {
    body = await client.send<unknown>(
      { method: 'POST', url: `/crm/v3/objects/${stream.objectType}/batch/${mode}`, data: { inputs } },
      mode === 'upsert' ? `${what} on ${idProperty}` : what,
    );
  } catch (error) {
    if (!isHubError(error) || !refusesRecords(error)) throw error;
    if (ops.length === 1) return [refusedAlone(ops[0]!, error)];
    const half = Math.ceil(ops.length / 2);
    const first = await writeBatch(client, stream, idProperty, mode, ops.slice(0, half));
    return [...first, ...(await writeBatch(client, stream, idProperty, mode, ops.slice(half)))];
  }
  return batchOutcomes(body, inputs, what);
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

function chunks<T>(items: T[]): T[][] {
  const all: T[][] = [];
  for (let start = 0; start < items.length; start += batchSize)
    all.push(items.slice(start, start + batchSize));
  return all;
}

/**
 * HubSpot reads a bare day given to a datetime property as midnight UTC, which the portal shows
 * as the day before west of Greenwich: such days are sent as the start of the day in its zone.
 */
async function withPortalDays(
  ops: WriteOp[],
  properties: string[],
  timeZone: () => Promise<string>,
): Promise<WriteOp[]> {
  const dated = (op: WriteOp) =>
    op.action === 'upsert' && properties.some((name) => isCalendarDay(op.record[name]));
  if (!ops.some(dated)) return ops;
  const zone = await timeZone();
  return ops.map((op) => {
    if (!dated(op)) return op;
    const record = { ...op.record };
    for (const name of properties) record[name] = startOfPortalDay(record[name], zone);
    return { ...op, record };
  });
}

export async function writeCrmObjects(
  client: HubspotClient,
  stream: CrmObjectStream,
  config: Pick<HubspotConfig, 'idProperty' | 'pushBack'>,
  given: WriteOp[],
  timeZone: () => Promise<string>,
): Promise<WriteResult[]> {
  const { idProperty } = config;
  const { ready, failed } = withPushBack(given, config.pushBack);
  const ops = await withPortalDays(ready, stream.portalDayProperties ?? [], timeZone);
  const outcome = new Map(failed.map((result) => [result.idempotencyKey, result]));
  const upserts = ops.filter((op) => op.action === 'upsert');
  const calls: Array<() => Promise<WriteResult[]>> = [
    ...chunks(upserts.filter((op) => op.externalId)).map(
      (batch) => () => writeBatch(client, stream, idProperty, 'update', batch),
    ),
    ...chunks(upserts.filter((op) => !op.externalId)).map(
      (batch) => () => writeBatch(client, stream, idProperty, 'upsert', batch),
    ),
    ...chunks(ops.filter((op) => op.action === 'delete')).map(
      (batch) => () => archiveBatch(client, stream, batch),
    ),
  ];
  for (const call of calls) for (const result of await call()) outcome.set(result.idempotencyKey, result);
  return given.map((op) => outcome.get(op.idempotencyKey) as WriteResult);
}
