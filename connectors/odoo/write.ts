import { z } from 'zod';
import type { ConnectorContext, WriteOp, WriteResult } from '../../core/connector/index.ts';
import { HubError, parseOrThrow } from '../../core/errors/index.ts';
import { writeEach } from '../shared/write-each.ts';
import type { OdooClient } from './client.ts';
import type { OdooConfig } from './config.ts';
import { reconcileLines } from './lines.ts';
import { parseRows } from './records.ts';
import { resolveOdooStream } from './streams/index.ts';
import type { OdooStream } from './streams/types.ts';
import { toOdooValues } from './values.ts';

const createdIdSchema = z.number().int().positive();
const writeOkSchema = z.literal(true);

function recordIdOf(externalId: string): number {
  const id = Number(externalId);
  if (!Number.isInteger(id) || id <= 0) {
    throw new HubError('invalid_data', 'odoo_bad_external_id', `"${externalId}" is not an Odoo record id`, {
      fieldPath: 'externalId',
    });
  }
  return id;
}

/**
 * Before a create, the record is looked up by the stream's match field (ref, default_code,
 * client_order_ref ...), which carries the mapped value or, failing that, the canonical id. The
 * key lives on the record itself, written in the same transaction as the record, so a create
 * retried after a lost response finds its first attempt. (An ir.model.data external id would
 * need a second call, and a crash between the two calls would leave a record nobody can find.)
 */
async function findByMatchField(
  client: OdooClient,
  stream: OdooStream,
  field: string,
  value: unknown,
): Promise<number | undefined> {
  const result = await client.executeKw(stream.model, 'search_read', [[[field, '=', value]]], {
    fields: ['id'],
    limit: 2,
    // Archived records count too: re-creating one would duplicate it.
    context: { active_test: false },
  });
  const rows = parseRows(result, `${stream.model}.search_read`);
  if (rows.length > 1) {
    throw new HubError(
      'conflict',
      'odoo_ambiguous_match',
      `${stream.model}: several records have ${field} = ${JSON.stringify(value)}`,
      {
        fieldPath: field,
      },
    );
  }
  return rows[0]?.id;
}

async function updateRecord(
  client: OdooClient,
  stream: OdooStream,
  id: number,
  values: Record<string, unknown>,
) {
  await reconcileLines(client, stream, id, values);
  const result = await client.executeKw(stream.model, 'write', [[id], values]);
  parseOrThrow(writeOkSchema, result, { what: `${stream.model}.write`, recordId: String(id) });
}

async function createRecord(
  client: OdooClient,
  stream: OdooStream,
  values: Record<string, unknown>,
  kwargs?: Record<string, unknown>,
) {
  const result = await client.executeKw(stream.model, 'create', [values], kwargs);
  return parseOrThrow(createdIdSchema, result, { what: `${stream.model}.create` });
}

async function upsertRecord(client: OdooClient, stream: OdooStream, op: WriteOp): Promise<WriteResult> {
  const values = toOdooValues(op.record);
  if (op.externalId) {
    await updateRecord(client, stream, recordIdOf(op.externalId), values);
    return { ok: true, idempotencyKey: op.idempotencyKey, externalId: op.externalId, created: false };
  }
  const field = stream.matchField;
  if (!field)
    throw new HubError(
      'config',
      'odoo_no_match_field',
      `stream ${stream.spec.name} has no match field for creates`,
    );
  const mapped = values[field];
  const matchValue = typeof mapped === 'string' && mapped !== '' ? mapped : op.canonicalId;
  values[field] = matchValue;
  const existing = await findByMatchField(client, stream, field, matchValue);
  if (existing !== undefined) {
    await updateRecord(client, stream, existing, values);
    return { ok: true, idempotencyKey: op.idempotencyKey, externalId: String(existing), created: false };
  }
  const id = await createRecord(client, stream, values);
  return { ok: true, idempotencyKey: op.idempotencyKey, externalId: String(id), created: true };
}

/**
 * Stock is set, not written: a quant created in inventory mode merges into the existing quant of
 * the same product and location, and action_apply_inventory books the difference. Setting the
 * same count twice is harmless, so retries need no lookup.
 */
async function setInventory(client: OdooClient, stream: OdooStream, op: WriteOp): Promise<WriteResult> {
  const values = toOdooValues(op.record);
  const id = await createRecord(client, stream, values, { context: { inventory_mode: true } });
  // Returns None: the response has no result key at all.
  await client.executeKw(stream.model, 'action_apply_inventory', [[id]]);
  return {
    ok: true,
    idempotencyKey: op.idempotencyKey,
    externalId: String(id),
    created: op.externalId === undefined,
  };
}

async function deleteRecord(client: OdooClient, stream: OdooStream, op: WriteOp): Promise<WriteResult> {
  if (!op.externalId) {
    throw new HubError(
      'not_found',
      'odoo_delete_without_id',
      `no Odoo id known for ${op.canonicalId}; nothing deleted`,
    );
  }
  try {
    await client.executeKw(stream.model, 'unlink', [[recordIdOf(op.externalId)]]);
  } catch (error) {
    // Already gone (a retried delete): the goal is reached.
    if (!(error instanceof HubError && error.code === 'odoo_missing_record')) throw error;
  }
  return { ok: true, idempotencyKey: op.idempotencyKey, externalId: op.externalId, created: false };
}

function writeOne(client: OdooClient, stream: OdooStream, op: WriteOp): Promise<WriteResult> {
  if (op.action === 'delete') return deleteRecord(client, stream, op);
  return stream.writeMode === 'inventory'
    ? setInventory(client, stream, op)
    : upsertRecord(client, stream, op);
}

/**
 * A refused login, an unknown database or model, or a rate limit stops the batch (the next record
 * would meet it too); an AccessError (record rules, often per company) fails its record alone.
 */
const stopsBatch = (error: HubError) =>
  error.kind === 'rate_limited' ||
  error.kind === 'config' ||
  (error.kind === 'auth' && error.code !== 'odoo_access_error');

/** One call per record, in order; a failing record fails alone and the rest of the batch goes on. */
export async function writeOdooStream(
  ctx: ConnectorContext<OdooConfig>,
  client: OdooClient,
  streamName: string,
  ops: WriteOp[],
): Promise<WriteResult[]> {
  const stream = resolveOdooStream(ctx.config, streamName);
  if (!stream.spec.write)
    throw new HubError('config', 'stream_read_only', `odoo stream ${streamName} is read-only`);
  return writeEach(ops, (op) => writeOne(client, stream, op), stopsBatch);
}
