import { z } from 'zod';
import type { Cursor, ReadPage } from '../../core/connector/types.ts';
import { HubError, parseOrThrow } from '../../core/errors/index.ts';
import type { HubspotClient } from './client.ts';
import { attachDealAssociations } from './deal-associations.ts';
import type { CrmObjectStream } from './streams/crm-object.ts';

/**
 * Incremental reads through the CRM search API, oldest change first, paged by key: each page
 * asks again for everything modified at or after the newest time seen, skipping the ids already
 * read at that exact time. Offset paging (`after`) would skip an object whenever one already read
 * is edited between two requests, so it is used only to step over a page whose objects all share
 * that time; search stops at 10,000 results per query, which bounds how many may share it.
 * @see https://developers.hubspot.com/docs/api/crm/search
 */
export const searchCeiling = 10_000;

const crmObjectSchema = z.looseObject({
  id: z.string(),
  properties: z.record(z.string(), z.string().nullable()),
});
const searchResponseSchema = z.object({
  total: z.number(),
  results: z.array(crmObjectSchema),
  paging: z.object({ next: z.object({ after: z.string() }).optional() }).optional(),
});
const cursorSchema = z.object({ since: z.number(), idsAtSince: z.array(z.string()) });

type SearchCursor = z.output<typeof cursorSchema>;

function modifiedAt(record: z.output<typeof crmObjectSchema>, property: string): number {
  const ms = Date.parse(record.properties[property] ?? '');
  if (Number.isNaN(ms)) {
    throw new HubError(
      'invalid_data',
      'missing_modified_date',
      `HubSpot object ${record.id} has no ${property}`,
      { fieldPath: `properties.${property}` },
    );
  }
  return ms;
}

function searchBody(
  stream: CrmObjectStream,
  since: number | undefined,
  limit: number,
  after: string | undefined,
) {
  const filters = [{ propertyName: stream.modifiedProperty, operator: 'GTE', value: String(since) }];
  return {
    filterGroups: since === undefined ? [] : [{ filters }],
    sorts: [{ propertyName: stream.modifiedProperty, direction: 'ASCENDING' }],
    properties: stream.properties,
    limit,
    ...(after ? { after } : {}),
  };
}

export async function* searchChanges(
  client: HubspotClient,
  stream: CrmObjectStream,
  raw: Cursor | undefined,
  limit: number,
): AsyncGenerator<ReadPage> {
  let cursor: SearchCursor | undefined =
    raw === undefined || raw === null
      ? undefined
      : parseOrThrow(cursorSchema, raw, { what: `hubspot ${stream.spec.name} cursor` });
  let after: string | undefined;
  for (;;) {
    const since = cursor?.since;
    const response = await client.send<unknown>(
      {
        method: 'POST',
        url: `/crm/v3/objects/${stream.objectType}/search`,
        data: searchBody(stream, since, limit, after),
      },
      `Search ${stream.objectType}`,
    );
    const page = parseOrThrow(searchResponseSchema, response, {
      what: `HubSpot ${stream.objectType} search`,
    });
    const fresh = page.results.filter(
      (record) =>
        !(
          cursor &&
          modifiedAt(record, stream.modifiedProperty) === cursor.since &&
          cursor.idsAtSince.includes(record.id)
        ),
    );
    for (const record of fresh) {
      const ms = modifiedAt(record, stream.modifiedProperty);
      if (!cursor || ms > cursor.since) cursor = { since: ms, idsAtSince: [record.id] };
      else if (ms === cursor.since) cursor = { since: ms, idsAtSince: [...cursor.idsAtSince, record.id] };
    }
    const records = stream.lineItemProperties
      ? await attachDealAssociations(client, fresh, stream.lineItemProperties)
      : fresh;
    yield { records, cursor: cursor ?? null };
    const next = page.paging?.next?.after;
    if (!next) return;
    if (cursor?.since !== since) {
      after = undefined;
      continue;
    }
    // Everything up to `next` was modified at `since`: step over it within the same query.
    if (Number(next) + limit > searchCeiling) {
      throw new HubError(
        'system',
        'search_window_stuck',
        `More than ${searchCeiling} ${stream.objectType} share the modification time ${new Date(since ?? 0).toISOString()}; the search cannot move past it`,
      );
    }
    after = next;
  }
}
