import { z } from 'zod';
import { HubError, parseOrThrow } from '../../core/errors/index.ts';
import { admitStamped, type SeenWindow } from '../shared/overlap-window.ts';
import type { HubspotClient } from './client.ts';
import type { CrmObjectStream } from './streams/crm-object.ts';

/**
 * Incremental reads through the CRM search API, oldest change first. The search index is
 * eventually consistent: an object saved earlier can reach it after one saved later, so each read
 * starts `overlap` before the newest change seen and drops the objects it already read there (the
 * shared overlap window). Within a read, each page asks again for everything modified at or after
 * the newest time on the page before. Offset paging (`after`) would skip an object whenever one
 * already read is edited between two requests, so it is used only to step over a page whose objects
 * all share that time; search stops at 10,000 results per query, which bounds how many may share it.
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
export type CrmObject = z.output<typeof crmObjectSchema>;

export interface SearchPage {
  records: CrmObject[];
  window: SeenWindow | undefined;
}

export interface SearchOptions {
  limit: number;
  overlapMs: number;
}

function modifiedAt(record: CrmObject, property: string): number {
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
  from: number | undefined,
  limit: number,
  after: string | undefined,
) {
  const filters = [{ propertyName: stream.modifiedProperty, operator: 'GTE', value: String(from) }];
  return {
    filterGroups: from === undefined ? [] : [{ filters }],
    sorts: [{ propertyName: stream.modifiedProperty, direction: 'ASCENDING' }],
    properties: stream.properties,
    limit,
    ...(after ? { after } : {}),
  };
}

async function searchPage(
  client: HubspotClient,
  stream: CrmObjectStream,
  body: ReturnType<typeof searchBody>,
) {
  const response = await client.send<unknown>(
    { method: 'POST', url: `/crm/v3/objects/${stream.objectType}/search`, data: body },
    `Search ${stream.objectType}`,
  );
  return parseOrThrow(searchResponseSchema, response, { what: `HubSpot ${stream.objectType} search` });
}

/** Objects changed since `window` (all of them without one), each page with the window after it. */
export async function* searchChanges(
  client: HubspotClient,
  stream: CrmObjectStream,
  window: SeenWindow | undefined,
  { limit, overlapMs }: SearchOptions,
): AsyncGenerator<SearchPage> {
  let cursor = window;
  const stampOf = (record: CrmObject) => ({ id: record.id, ms: modifiedAt(record, stream.modifiedProperty) });
  let from = cursor && cursor.since - overlapMs;
  let after: string | undefined;
  for (;;) {
    const page = await searchPage(client, stream, searchBody(stream, from, limit, after));
    const admitted = admitStamped(cursor, page.results, stampOf, overlapMs);
    cursor = admitted.window;
    yield { records: admitted.fresh, window: cursor };
    const next = page.paging?.next?.after;
    const last = page.results.at(-1);
    if (!next || !last) return;
    const lastMs = stampOf(last).ms;
    if (lastMs !== from) {
      from = lastMs;
      after = undefined;
      continue;
    }
    // Everything up to `next` was modified at `from`: step over it within the same query.
    if (Number(next) + limit > searchCeiling) {
      throw new HubError(
        'system',
        'search_window_stuck',
        `More than ${searchCeiling} ${stream.objectType} share the modification time ${new Date(from).toISOString()}; the search cannot move past it`,
      );
    }
    after = next;
  }
}
