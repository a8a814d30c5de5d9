import { z } from 'zod';
import type { ConnectorContext, Cursor, ReadPage } from '../../core/connector/index.ts';
import { parseOrThrow } from '../../core/errors/index.ts';
import type { ErpnextClient, FrappeDoc } from './client.ts';
import type { ErpnextConfig } from './config.ts';
import { resolveErpnextStream } from './streams.ts';

/**
 * Keyset on (modified, name): `modified` comes with microseconds, and name breaks ties. Frappe ANDs
 * `filters` and ORs `or_filters`, so [modified >= t] AND ([modified > t] OR [name > n]) is exactly
 * "after (t, n)". Unlike limit_start paging, a document saved while a sync runs moves to the end
 * and is read again instead of shifting the pages and making another document be skipped.
 */
const cursorSchema = z.strictObject({ modified: z.string(), name: z.string() });
type ErpnextCursor = z.infer<typeof cursorSchema>;

function keysetFilters(cursor: ErpnextCursor | undefined) {
  if (!cursor) return { filters: [], orFilters: [] };
  return {
    filters: [['modified', '>=', cursor.modified]],
    orFilters: [
      ['modified', '>', cursor.modified],
      ['name', '>', cursor.name],
    ],
  };
}

export async function* readErpnextStream(
  ctx: ConnectorContext<ErpnextConfig>,
  client: ErpnextClient,
  streamName: string,
  cursor: Cursor | undefined,
): AsyncIterable<ReadPage> {
  const stream = resolveErpnextStream(ctx.config, streamName);
  let position = cursor == null ? undefined : parseOrThrow(cursorSchema, cursor, { what: 'erpnext cursor' });
  for (;;) {
    const rows = await client.list(stream.doctype, {
      fields: ['*'],
      ...keysetFilters(position),
      orderBy: 'modified asc, name asc',
      limitPageLength: ctx.config.pageSize,
    });
    // A list row has no child tables; the document read has them (items, operations ...).
    const records: FrappeDoc[] = [];
    for (const row of rows)
      records.push(stream.withChildren ? await client.get(stream.doctype, row.name) : row);
    const last = rows.at(-1);
    if (last) position = { modified: String(last.modified), name: last.name };
    yield { records, cursor: position ?? null };
    if (rows.length < ctx.config.pageSize) return;
  }
}
