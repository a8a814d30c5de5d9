import { applyPushBack } from '../../../core/connector/push-back.ts';
import type { WriteOp, WriteResult } from '../../../core/connector/types.ts';
import { isHubError } from '../../../core/errors/index.ts';
import type { SalesforceClient } from '../client.ts';
import type { SalesforceConfig } from '../config.ts';
import type { SObjectStream } from '../streams/sobject-stream.ts';
import { upsertBulk } from './bulk-ingest.ts';
import {
  deleteCollections,
  type PreparedWrite,
  updateCollections,
  upsertCollections,
} from './collections.ts';

/**
 * Every upsert carries the hub's id in the external id field, so retries never duplicate. A record
 * whose Salesforce Id the hub already knows (it started in Salesforce) is updated by Id instead:
 * its external id field may still be empty there, and an upsert on it would create a copy.
 */
function prepare(op: WriteOp, config: SalesforceConfig): PreparedWrite & { byId: boolean } {
  const fields = applyPushBack(op.record, config.pushBack);
  fields[config.externalIdField] ??= op.canonicalId;
  if (op.externalId)
    return { idempotencyKey: op.idempotencyKey, fields: { ...fields, Id: op.externalId }, byId: true };
  return { idempotencyKey: op.idempotencyKey, fields, byId: false };
}

export async function writeSObjectStream(
  client: SalesforceClient,
  config: SalesforceConfig,
  stream: SObjectStream,
  ops: WriteOp[],
): Promise<WriteResult[]> {
  const results = new Map<string, WriteResult>();
  const upserts: PreparedWrite[] = [];
  const updatesById: PreparedWrite[] = [];
  const deletes: Array<{ idempotencyKey: string; id: string }> = [];
  for (const op of ops) {
    const { idempotencyKey } = op;
    if (op.action === 'delete') {
      if (op.externalId) deletes.push({ idempotencyKey, id: op.externalId });
      else
        results.set(idempotencyKey, {
          ok: false,
          idempotencyKey,
          error: {
            kind: 'not_found',
            code: 'no_external_id',
            message: `No ${stream.sobject} id is known for ${op.canonicalId}`,
          },
        });
      continue;
    }
    try {
      const { byId, ...write } = prepare(op, config);
      (byId ? updatesById : upserts).push(write);
    } catch (error) {
      if (!isHubError(error)) throw error;
      results.set(idempotencyKey, {
        ok: false,
        idempotencyKey,
        error: { kind: 'invalid_data', code: error.code, message: error.message, fieldPath: error.fieldPath },
      });
    }
  }
  const upserted =
    upserts.length === 0
      ? []
      : upserts.length > config.bulkWriteThreshold
        ? await upsertBulk(client, config, stream.sobject, upserts)
        : await upsertCollections(client, stream.sobject, config.externalIdField, upserts);
  const updated = updatesById.length > 0 ? await updateCollections(client, stream.sobject, updatesById) : [];
  const deleted = deletes.length > 0 ? await deleteCollections(client, stream.sobject, deletes) : [];
  for (const result of [...upserted, ...updated, ...deleted]) results.set(result.idempotencyKey, result);
  return ops.map((op) => results.get(op.idempotencyKey) as WriteResult);
}
