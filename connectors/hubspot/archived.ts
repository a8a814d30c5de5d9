import { z } from 'zod';
import { HubError, parseOrThrow } from '../../core/errors/index.ts';
import { type SeenWindow, stampKey } from '../shared/overlap-window.ts';
import type { HubspotClient } from './client.ts';
import type { CrmObjectStream } from './streams/crm-object.ts';

/**
 * Search never returns archived objects (deleted ones, in the recycling bin): they are read from
 * the object list with `archived=true`. That list runs in id order and cannot be filtered by
 * `archivedAt`, so each read goes through all of it and keeps what was archived at or after its
 * window's `since`, less the overlap (a first read's window starts at 0: it keeps them all).
 * `since` becomes the time the read began, not the newest `archivedAt` seen: an object archived
 * meanwhile on a page already read (archived before that newest one) comes in the next read.
 * Archives seen in the window are kept as `id@archivedAt`, so each arrives once, and an object
 * archived again after a restore arrives again. The cursor of a page before the last keeps only
 * the keys the next window will keep, so that a first read's does not hold the whole list: a read
 * stopped halfway lists from the first page again and delivers the older archives once more,
 * which the hub takes as deletes already made.
 * @see https://developers.hubspot.com/docs/api/crm/understanding-the-crm
 */
export const archivedPageSize = 100;

export const archivedWindowSchema = z.object({ since: z.number(), seen: z.array(z.string()) });

const archivedObjectSchema = z.looseObject({
  id: z.string(),
  archived: z.literal(true),
  archivedAt: z.string(),
});
const archivedPageSchema = z.object({
  results: z.array(archivedObjectSchema),
  paging: z.object({ next: z.object({ after: z.string() }).optional() }).optional(),
});

type ArchivedObject = z.output<typeof archivedObjectSchema>;

function archivedAtOf(object: ArchivedObject, objectType: string): number {
  const ms = Date.parse(object.archivedAt);
  if (Number.isNaN(ms)) {
    throw new HubError(
      'invalid_data',
      'invalid_archived_date',
      `HubSpot ${objectType} ${object.id} has an archivedAt that is not a date: "${object.archivedAt}"`,
      { fieldPath: 'archivedAt' },
    );
  }
  return ms;
}

const epochOfKey = (key: string) => Number(key.slice(key.lastIndexOf('@') + 1));

export interface ArchivedPage {
  ids: string[];
  window: SeenWindow;
}

/** Ids of the objects archived since `window`, a page at a time; the last page's window is the next read's. */
export async function* readArchived(
  client: HubspotClient,
  stream: CrmObjectStream,
  window: SeenWindow,
  overlapMs: number,
): AsyncGenerator<ArchivedPage> {
  const startedAt = Date.now();
  const floor = window.since - overlapMs;
  const seen = new Set(window.seen);
  let after: string | undefined;
  for (;;) {
    const response = await client.send<unknown>(
      {
        method: 'GET',
        url: `/crm/v3/objects/${stream.objectType}`,
        params: { archived: true, limit: archivedPageSize, ...(after ? { after } : {}) },
      },
      `List archived ${stream.objectType}`,
    );
    const page = parseOrThrow(archivedPageSchema, response, {
      what: `HubSpot archived ${stream.objectType}`,
    });
    const ids: string[] = [];
    for (const object of page.results) {
      const ms = archivedAtOf(object, stream.objectType);
      const key = stampKey({ id: object.id, ms });
      if (ms < floor || seen.has(key)) continue;
      seen.add(key);
      ids.push(object.id);
    }
    after = page.paging?.next?.after;
    const keptFrom = Math.max(window.since, startedAt) - overlapMs;
    const kept = [...seen].filter((key) => epochOfKey(key) >= keptFrom);
    if (!after) {
      yield { ids, window: { since: keptFrom + overlapMs, seen: kept } };
      return;
    }
    yield { ids, window: { since: window.since, seen: kept } };
  }
}
