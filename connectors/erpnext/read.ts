import { z } from 'zod';
import type { ConnectorContext, Cursor, ReadPage } from '../../core/connector/index.ts';
import { parseOrThrow } from '../../core/errors/index.ts';
import { amendmentsOf } from './amend.ts';
import type { ErpnextClient, FrappeDoc } from './client.ts';
import type { ErpnextConfig } from './config.ts';
import {
  amendedFromOfDeleted,
  type DeletesPosition,
  deletesPositionSchema,
  newestDeletion,
  readDeletions,
  readRestorations,
} from './deletes.ts';
import { keysetAfter } from './keyset.ts';
import { type ErpnextStream, resolveErpnextStream } from './streams.ts';

/** Where the changed documents were read up to: keyset on (modified, name). */
const keysetSchema = z.strictObject({ modified: z.string(), name: z.string() });
type Keyset = z.infer<typeof keysetSchema>;
/**
 * `deletes` is absent in cursors saved before deletes were read: they start after the newest.
 * `restored` names the restorations whose documents were read (readRestorations); absent, none
 * were, so a cursor saved before restorations were read gets every restored document once.
 */
const cursorSchema = keysetSchema.extend({
  deletes: deletesPositionSchema.optional(),
  restored: z.array(z.string()).optional(),
});

/** A list row has no child tables; the document read has them (items, operations ...). */
async function withChildren(client: ErpnextClient, stream: ErpnextStream, rows: FrappeDoc[]) {
  if (!stream.withChildren) return rows;
  const documents: FrappeDoc[] = [];
  for (const row of rows) documents.push(await client.get(stream.doctype, row.name));
  return documents;
}

const CANCELLED = 2;

/**
 * A page of listed documents: their records and, as `replaced`, the documents amendments replaced.
 * An amended document is no record of its own any more: its amendment is the same record under a
 * new name, so the hub moves the record there (when the hub amended it, write.ts already did).
 * The amendment on a page names what it replaces, also when the cancelled document was read in an
 * earlier run (amending leaves it unchanged, so it is not read again).
 */
async function pageOf(client: ErpnextClient, stream: ErpnextStream, rows: FrappeDoc[]) {
  const cancelled = stream.submittable ? rows.filter((row) => row.docstatus === CANCELLED) : [];
  const amendments = await amendmentsOf(
    client,
    stream.doctype,
    cancelled.map((row) => row.name),
  );
  const records = await withChildren(
    client,
    stream,
    rows.filter((row) => !amendments.has(row.name)),
  );
  for (const row of rows)
    if (typeof row.amended_from === 'string') amendments.set(row.amended_from, row.name);
  const replaced = [...amendments].map(([externalId, by]) => ({ externalId, by }));
  return { records, ...(replaced.length > 0 ? { replaced } : {}) };
}

/** The live documents of those named; one deleted again is not among them. */
async function documentsNamed(client: ErpnextClient, stream: ErpnextStream, names: string[]) {
  if (names.length === 0) return { records: [] };
  const rows = await client.list(stream.doctype, {
    fields: ['*'],
    filters: [['name', 'in', names]],
    limitPageLength: names.length,
  });
  return pageOf(client, stream, rows);
}

/**
 * A page of deleted documents. A deleted amendment (a draft a person discarded after pressing
 * Amend, or one cancelled in turn) leaves the cancelled document it amended standing: while nothing
 * else amends that one, the record moves back to it (`replaced`) and reads it, cancelled, instead
 * of being deleted.
 */
async function deletionPage(client: ErpnextClient, stream: ErpnextStream, names: string[]) {
  const amended = stream.submittable
    ? await amendedFromOfDeleted(client, stream.doctype, names)
    : new Map<string, string>();
  const originals = await documentsNamed(client, stream, [...new Set(amended.values())]);
  const standing = new Set(originals.records.map((record) => record.name));
  const returned = [...amended]
    .filter(([, original]) => standing.has(original))
    .map(([externalId, by]) => ({ externalId, by }));
  const returnedIds = new Set(returned.map(({ externalId }) => externalId));
  // First: the record the hub holds now is the one that goes back, should another claim the original.
  const replaced = [...returned, ...(originals.replaced ?? [])];
  return {
    records: originals.records,
    deleted: names.filter((name) => !returnedIds.has(name)),
    ...(replaced.length > 0 ? { replaced } : {}),
  };
}

export async function* readErpnextStream(
  ctx: ConnectorContext<ErpnextConfig>,
  client: ErpnextClient,
  streamName: string,
  cursor: Cursor | undefined,
): AsyncIterable<ReadPage> {
  const stream = resolveErpnextStream(ctx.config, streamName);
  const saved = cursor == null ? undefined : parseOrThrow(cursorSchema, cursor, { what: 'erpnext cursor' });
  let position: Keyset | undefined = saved && { modified: saved.modified, name: saved.name };
  let deletes: DeletesPosition =
    saved?.deletes === undefined ? await newestDeletion(client, stream.doctype, ctx.logger) : saved.deletes;
  let restored = saved?.restored ?? [];
  const cursorAt = () =>
    position ? { ...position, deletes, ...(restored.length > 0 ? { restored } : {}) } : null;
  for (;;) {
    const rows = await client.list(stream.doctype, {
      fields: ['*'],
      ...keysetAfter('modified', position && { value: position.modified, name: position.name }),
      orderBy: 'modified asc, name asc',
      limitPageLength: ctx.config.pageSize,
    });
    const page = await pageOf(client, stream, rows);
    const last = rows.at(-1);
    if (last) position = { modified: String(last.modified), name: last.name };
    yield { ...page, cursor: cursorAt() };
    if (rows.length < ctx.config.pageSize) break;
  }
  if (!position) return;
  const options = { pageSize: ctx.config.pageSize, logger: ctx.logger };
  for await (const deleted of readDeletions(client, stream.doctype, deletes, options)) {
    deletes = deleted.position;
    yield { ...(await deletionPage(client, stream, deleted.names)), cursor: cursorAt() };
  }
  for await (const restoration of readRestorations(client, stream.doctype, restored, options)) {
    const page = await documentsNamed(client, stream, restoration.names);
    restored = restoration.answered;
    yield { ...page, cursor: cursorAt() };
  }
}
