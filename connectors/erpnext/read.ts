import { z } from 'zod';
import type { ConnectorContext, Cursor, ReadPage } from '../../core/connector/index.ts';
import { parseOrThrow } from '../../core/errors/index.ts';
import type { ErpnextClient, FrappeDoc } from './client.ts';
import type { ErpnextConfig } from './config.ts';
import { type DeletesPosition, deletesPositionSchema, newestDeletion, readDeletions } from './deletes.ts';
import { keysetAfter } from './keyset.ts';
import { resolveErpnextStream } from './streams.ts';

/** Where the changed documents were read up to: keyset on (modified, name). */
const keysetSchema = z.strictObject({ modified: z.string(), name: z.string() });
type Keyset = z.infer<typeof keysetSchema>;
/** `deletes` is absent in cursors saved before deletes were read: they start after the newest. */
const cursorSchema = keysetSchema.extend({ deletes: deletesPositionSchema.optional() });

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
  const cursorAt = () => (position ? { ...position, deletes } : null);
  for (;;) {
    const rows = await client.list(stream.doctype, {
      fields: ['*'],
      ...keysetAfter('modified', position && { value: position.modified, name: position.name }),
      orderBy: 'modified asc, name asc',
      limitPageLength: ctx.config.pageSize,
    });
    // A list row has no child tables; the document read has them (items, operations ...).
    const records: FrappeDoc[] = [];
    for (const row of rows)
      records.push(stream.withChildren ? await client.get(stream.doctype, row.name) : row);
    const last = rows.at(-1);
    if (last) position = { modified: String(last.modified), name: last.name };
    yield { records, cursor: cursorAt() };
    if (rows.length < ctx.config.pageSize) break;
  }
  if (!position) return;
  const options = { pageSize: ctx.config.pageSize, logger: ctx.logger };
  for await (const deleted of readDeletions(client, stream.doctype, deletes, options)) {
    deletes = deleted.position;
    yield { records: [], deleted: deleted.names, cursor: cursorAt() };
  }
}
