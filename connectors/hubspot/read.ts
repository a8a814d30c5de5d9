import { z } from 'zod';
import type { ConnectorContext, Cursor, ReadPage } from '../../core/connector/types.ts';
import { parseOrThrow } from '../../core/errors/index.ts';
import { type SeenWindow, stampKey } from '../shared/overlap-window.ts';
import { archivedWindowSchema, readArchived } from './archived.ts';
import type { HubspotClient } from './client.ts';
import type { HubspotConfig } from './config.ts';
import { attachDealAssociations } from './deal-associations.ts';
import { portalTimeZone } from './portal-time-zone.ts';
import { type CrmObject, searchChanges } from './search.ts';
import type { CrmObjectStream } from './streams/crm-object.ts';

/**
 * A read: the objects changed since the cursor (search; all live ones without a cursor), then the
 * objects archived since it (all of them without one), as deletes. The cursor keeps both windows:
 * `archived` is absent from cursors stored before archives were read, which read them from their
 * own `since`.
 */
const cursorSchema = z.union([
  archivedWindowSchema.extend({ archived: archivedWindowSchema.optional() }),
  // Cursors stored before the overlap window kept only the ids read at `since`.
  z.object({ since: z.number(), idsAtSince: z.array(z.string()) }).transform(({ since, idsAtSince }) => ({
    since,
    seen: idsAtSince.map((id) => stampKey({ id, ms: since })),
    archived: undefined,
  })),
]);

/**
 * A first or full read takes every object in the recycle bin as deleted: an object archived since
 * the last incremental read is among them, and the hub ignores deletes of ids it does not hold.
 */
const everyArchive: SeenWindow = { since: 0, seen: [] };

function cursorOf(changed: SeenWindow | undefined, archived: SeenWindow): Cursor {
  return changed ? { since: changed.since, seen: changed.seen, archived } : null;
}

/** Deals carry their company, line items and the portal's time zone, for their close dates. */
function detailsFor(ctx: ConnectorContext<HubspotConfig>, client: HubspotClient, stream: CrmObjectStream) {
  const timeZone = portalTimeZone(ctx, client);
  return async (records: CrmObject[]): Promise<unknown[]> => {
    if (records.length === 0) return records;
    const detailed = stream.lineItemProperties
      ? await attachDealAssociations(client, records, stream.lineItemProperties)
      : records;
    if (!stream.portalDayProperties?.length) return detailed;
    const portal_time_zone = await timeZone();
    return detailed.map((record) => ({ ...record, portal_time_zone }));
  };
}

export async function* readChanges(
  ctx: ConnectorContext<HubspotConfig>,
  client: HubspotClient,
  stream: CrmObjectStream,
  raw: Cursor | undefined,
): AsyncGenerator<ReadPage> {
  const saved =
    raw === undefined || raw === null
      ? undefined
      : parseOrThrow(cursorSchema, raw, { what: `hubspot ${stream.spec.name} cursor` });
  const overlapMs = ctx.config.overlapSeconds * 1000;
  const archived = saved?.archived ?? (saved ? { since: saved.since, seen: [] } : everyArchive);
  let changed: SeenWindow | undefined = saved && { since: saved.since, seen: saved.seen };
  const withDetails = detailsFor(ctx, client, stream);
  const options = { limit: ctx.config.pageSize, overlapMs };
  for await (const page of searchChanges(client, stream, changed, options)) {
    changed = page.window;
    yield { records: await withDetails(page.records), cursor: cursorOf(changed, archived) };
  }
  for await (const page of readArchived(client, stream, archived, overlapMs)) {
    yield { records: [], deleted: page.ids, cursor: cursorOf(changed, page.window) };
  }
}
