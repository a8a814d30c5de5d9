import type { ConnectorContext, WriteOp, WriteResult } from '../../core/connector/index.ts';
import { HubError, isHubError } from '../../core/errors/index.ts';
import { writeEach } from '../shared/write-each.ts';
import { amendDocument, createAmendment, findAmendment, finishAmendment } from './amend.ts';
import type { ErpnextClient, FrappeDoc } from './client.ts';
import { documentHolds } from './compare.ts';
import type { ErpnextConfig } from './config.ts';
import { type ErpnextStream, resolveErpnextStream } from './streams.ts';

/** `replaces`: the document the write was sent to, when an amendment now stands in its place. */
type Done = { name: string; created: boolean; replaces?: string };

/**
 * Before a create, the document is looked up by the stream's match field (customer_name,
 * item_code, po_no ...), which carries the mapped value or else the canonical id; a create retried
 * after a lost response then finds its first attempt instead of making a second document.
 */
async function findByMatchField(client: ErpnextClient, stream: ErpnextStream, field: string, value: unknown) {
  const found = await client.list(stream.doctype, {
    fields: ['name'],
    filters: [[field, '=', value]],
    limitPageLength: 2,
  });
  if (found.length > 1) {
    throw new HubError(
      'conflict',
      'erpnext_ambiguous_match',
      `${stream.doctype}: several documents have ${field} = ${JSON.stringify(value)}`,
      {
        fieldPath: field,
      },
    );
  }
  return found[0]?.name;
}

/**
 * A draft amendment behind a cancelled document is an amend the hub stopped halfway only when the
 * hub's user saved it; a draft a person saved after pressing Amend is theirs to review and submit.
 */
async function savedByHub(client: ErpnextClient, draft: FrappeDoc): Promise<boolean> {
  return draft.owner === (await client.loggedUser());
}

/**
 * Nothing to write when the document already holds the mapped fields and rows: a new hub version
 * often changes only fields this mapping does not carry, and amending a submitted document for
 * it would cancel the order. Otherwise draft: PUT; submitted: cancel and amend; cancelled: follow
 * its amendment, or with none amend it now. An amend the hub stopped halfway (`amendmentOf` names
 * the cancelled document a draft of the hub's was found behind) is finished: the draft is updated
 * and submitted. A person's draft amendment is left a draft, like any draft.
 */
async function updateDocument(
  client: ErpnextClient,
  stream: ErpnextStream,
  name: string,
  record: Record<string, unknown>,
  amendmentOf?: string,
): Promise<Done> {
  if (!stream.submittable)
    return { name: (await client.update(stream.doctype, name, record)).name, created: false };
  const current: FrappeDoc = await client.get(stream.doctype, name);
  const done = (doc: FrappeDoc): Done => ({ name: doc.name, created: false });
  if (current.docstatus === 0 && amendmentOf !== undefined && (await savedByHub(client, current)))
    return done(await finishAmendment(client, stream.doctype, name, record));
  if (current.docstatus !== 2 && documentHolds(current, record)) return { name, created: false };
  if (current.docstatus === 0) return done(await client.update(stream.doctype, name, record));
  if (current.docstatus === 1) return done(await amendDocument(client, stream.doctype, current, record));
  const amendment = await findAmendment(client, stream.doctype, name);
  if (amendment) return updateDocument(client, stream, amendment.name, record, name);
  return done(await createAmendment(client, stream.doctype, current, record));
}

/**
 * Only an amendment gives a document another name, so an update answered with another name has
 * replaced the document the hub knew: the hub moves its link to the amendment.
 */
async function updateKnownDocument(
  client: ErpnextClient,
  stream: ErpnextStream,
  name: string,
  record: Record<string, unknown>,
): Promise<Done> {
  const done = await updateDocument(client, stream, name, record);
  return done.name === name ? done : { ...done, replaces: name };
}

async function upsertDocument(client: ErpnextClient, stream: ErpnextStream, op: WriteOp): Promise<Done> {
  if (op.externalId) return updateKnownDocument(client, stream, op.externalId, op.record);
  const field = stream.matchField;
  if (!field) {
    throw new HubError(
      'config',
      'erpnext_no_match_field',
      `set streams.${stream.spec.name}.matchField so that creates can be retried safely`,
      {
        fieldPath: `streams.${stream.spec.name}.matchField`,
      },
    );
  }
  const mapped = op.record[field];
  const matchValue = typeof mapped === 'string' && mapped !== '' ? mapped : op.canonicalId;
  const record = { ...op.record, [field]: matchValue };
  const existing = await findByMatchField(client, stream, field, matchValue);
  if (existing) return updateDocument(client, stream, existing, record);
  return { name: (await client.create(stream.doctype, record)).name, created: true };
}

async function writeOne(client: ErpnextClient, stream: ErpnextStream, op: WriteOp): Promise<Done> {
  if (op.action === 'upsert') return upsertDocument(client, stream, op);
  if (!op.externalId)
    throw new HubError(
      'not_found',
      'erpnext_delete_without_name',
      `no ERPNext name known for ${op.canonicalId}`,
    );
  try {
    await client.remove(stream.doctype, op.externalId);
  } catch (error) {
    // Already gone (a delete repeated after its answer was lost): the delete is done.
    if (!(isHubError(error) && error.kind === 'not_found')) throw error;
  }
  return { name: op.externalId, created: false };
}

/**
 * A refused login or key stops the batch (the next document would meet it too); a document the
 * user may not touch (Frappe user permissions are per document) fails alone.
 */
const stopsBatch = (error: HubError) =>
  error.kind === 'rate_limited' ||
  error.kind === 'config' ||
  (error.kind === 'auth' && error.code !== 'erpnext_permission_denied');

/** One document at a time; a failing record fails alone and the rest of the batch goes on. */
export async function writeErpnextStream(
  ctx: ConnectorContext<ErpnextConfig>,
  client: ErpnextClient,
  streamName: string,
  ops: WriteOp[],
): Promise<WriteResult[]> {
  const stream = resolveErpnextStream(ctx.config, streamName);
  if (!stream.spec.write)
    throw new HubError('config', 'stream_read_only', `erpnext stream ${streamName} is read-only`);
  const write = async (op: WriteOp): Promise<WriteResult> => {
    const done = await writeOne(client, stream, op);
    return {
      ok: true,
      idempotencyKey: op.idempotencyKey,
      externalId: done.name,
      created: done.created,
      ...(done.replaces === undefined ? {} : { replaces: done.replaces }),
    };
  };
  return writeEach(ops, write, stopsBatch);
}
