import { z } from 'zod';
import { parseOrThrow } from '../../core/errors/index.ts';
import type { HubspotClient } from './client.ts';

/**
 * Deals carry their line items through associations: read the deal → line item links in one
 * batch (v4 associations), then the line items themselves in one batch read.
 * @see https://developers.hubspot.com/docs/api/crm/associations
 * @see https://developers.hubspot.com/docs/api/crm/line-items
 */
const associationsSchema = z.object({
  results: z.array(
    z.object({
      from: z.object({ id: z.string() }),
      to: z.array(z.object({ toObjectId: z.union([z.number(), z.string()]) })),
    }),
  ),
});
const batchReadSchema = z.object({ results: z.array(z.looseObject({ id: z.string() })) });

export async function attachLineItems<T extends { id: string }>(
  client: HubspotClient,
  deals: T[],
  properties: string[],
) {
  if (deals.length === 0) return deals;
  const links = parseOrThrow(
    associationsSchema,
    await client.send<unknown>(
      {
        method: 'POST',
        url: '/crm/v4/associations/deals/line_items/batch/read',
        data: { inputs: deals.map((deal) => ({ id: deal.id })) },
      },
      'Read deal line item links',
    ),
    { what: 'HubSpot deal associations' },
  );
  const lineIdsByDeal = new Map(
    links.results.map((link) => [link.from.id, link.to.map((to) => String(to.toObjectId))]),
  );
  const lineIds = [...new Set([...lineIdsByDeal.values()].flat())];
  const lines = new Map<string, unknown>();
  // Batch reads take 100 inputs at most.
  for (let start = 0; start < lineIds.length; start += 100) {
    const inputs = lineIds.slice(start, start + 100).map((id) => ({ id }));
    const read = parseOrThrow(
      batchReadSchema,
      await client.send<unknown>(
        { method: 'POST', url: '/crm/v3/objects/line_items/batch/read', data: { properties, inputs } },
        'Read line items',
      ),
      { what: 'HubSpot line items' },
    );
    for (const line of read.results) lines.set(line.id, line);
  }
  return deals.map((deal) => ({
    ...deal,
    line_items: (lineIdsByDeal.get(deal.id) ?? []).flatMap((id) => (lines.has(id) ? [lines.get(id)] : [])),
  }));
}
