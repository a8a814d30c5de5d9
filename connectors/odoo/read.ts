import type { ConnectorContext, Cursor, ReadPage } from '../../core/connector/index.ts';
import type { OdooClient } from './client.ts';
import type { OdooConfig } from './config.ts';
import { advanceCursor, openWindow, parseOdooCursor, windowDomain } from './cursor.ts';
import { linkedChangesIn } from './linked-changes.ts';
import { includeArchived, type OdooRow, parseRows } from './records.ts';
import { attachRelations, type RelationReading, startRelationReading } from './relations.ts';
import { resolveOdooStream } from './streams/index.ts';
import type { Domain, OdooStream } from './streams/types.ts';

async function searchPage(
  client: OdooClient,
  stream: OdooStream,
  filter: Domain,
  limit: number,
  reading: RelationReading,
): Promise<OdooRow[]> {
  const result = await client.executeKw(stream.model, 'search_read', [[...stream.domain, ...filter]], {
    fields: stream.fields,
    order: 'id asc',
    limit,
    context: includeArchived,
  });
  const rows = parseRows(result, `${stream.model}.search_read`);
  await attachRelations(client, rows, stream.relations, reading);
  await stream.enrich?.(client, rows);
  return rows;
}

export async function* readOdooStream(
  ctx: ConnectorContext<OdooConfig>,
  client: OdooClient,
  streamName: string,
  cursor: Cursor | undefined,
): AsyncIterable<ReadPage> {
  const stream = resolveOdooStream(ctx.config, streamName);
  const limit = ctx.config.pageSize;
  const reading = startRelationReading(streamName, ctx.logger);
  let window = openWindow(parseOdooCursor(cursor), new Date(), ctx.config.lagSeconds);
  // Called again within the lag of the last window: nothing can be complete yet.
  if (window.from !== null && window.to <= window.from) return;
  const linkedChanges = await linkedChangesIn(client, stream, window, reading);
  for (;;) {
    const filter = windowDomain(window, linkedChanges);
    const rows = filter ? await searchPage(client, stream, filter, limit, reading) : [];
    const lastId = rows.reduce((max, row) => Math.max(max, row.id), window.afterId);
    const next = advanceCursor(window, lastId, rows.length < limit, linkedChanges !== null);
    yield { records: rows, cursor: next };
    if (next.to === null) return;
    window = { ...next, to: next.to };
  }
}
