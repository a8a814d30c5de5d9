import { z } from 'zod';
import { parseOrThrow } from '../../core/errors/index.ts';
import type { HubspotClient } from './client.ts';

/**
 * Deals reach their company and line items only through associations: read the deal → company
 * and deal → line item links in batches (v4 associations), then the line items themselves.
 * @see https://developers.hubspot.com/docs/api/crm/associations
 * @see https://developers.hubspot.com/docs/api/crm/line-items
 */
const associationsSchema = z.object({
  results: z.array(
    z.object({
      from: z.object({ id: z.string() }),
      to: z.array(z.object({ toObjectId: z.union([z.number(), z.string()]) })),
      paging: z.object({ next: z.object({ after: z.string() }).optional() }).optional(),
    }),
  ),
});
const batchReadSchema = z.object({ results: z.array(z.looseObject({ id: z.string() })) });

/** Batch reads take 100 inputs at most. */
const batchLimit = 100;

/** Each deal's links come in pages of their own: a result with `paging.next` is asked for again from `after`. */
async function readLinks(
  client: HubspotClient,
  to: string,
  dealIds: string[],
): Promise<Map<string, string[]>> {
  const links = new Map<string, string[]>();
  let inputs: Array<{ id: string; after?: string }> = dealIds.map((id) => ({ id }));
  while (inputs.length > 0) {
    const response = await client.send<unknown>(
      { method: 'POST', url: `/crm/v4/associations/deals/${to}/batch/read`, data: { inputs } },
      `Read deal ${to} links`,
    );
    const page = parseOrThrow(associationsSchema, response, { what: `HubSpot deal → ${to} associations` });
    inputs = [];
    for (const link of page.results) {
      const ids = link.to.map((entry) => String(entry.toObjectId));
      links.set(link.from.id, [...(links.get(link.from.id) ?? []), ...ids]);
      const after = link.paging?.next?.after;
      if (after) inputs.push({ id: link.from.id, after });
    }
  }
  return links;
}

async function readLineItems(
  client: HubspotClient,
  ids: string[],
  properties: string[],
): Promise<Map<string, unknown>> {
  const lines = new Map<string, unknown>();
  for (let start = 0; start < ids.length; start += batchLimit) {
    const inputs = ids.slice(start, start + batchLimit).map((id) => ({ id }));
    const response = await client.send<unknown>(
      { method: 'POST', url: '/crm/v3/objects/line_items/batch/read', data: { properties, inputs } },
      'Read line items',
    );
    for (const line of parseOrThrow(batchReadSchema, response, { what: 'HubSpot line items' }).results) {
      lines.set(line.id, line);
    }
  }
  return lines;
}

/** Adds `company_id` (the first associated company) and `line_items` to each deal. */
export async function attachDealAssociations<T extends { id: string }>(
  client: HubspotClient,
  deals: T[],
  lineItemProperties: string[],
) {
  if (deals.length === 0) return deals;
  const ids = deals.map((deal) => deal.id);
  const companies = await readLinks(client, 'companies', ids);
  const lineLinks = await readLinks(client, 'line_items', ids);
  const lines = await readLineItems(client, [...new Set([...lineLinks.values()].flat())], lineItemProperties);
  return deals.map((deal) => ({
    ...deal,
    company_id: companies.get(deal.id)?.[0] ?? null,
    line_items: (lineLinks.get(deal.id) ?? []).flatMap((id) => (lines.has(id) ? [lines.get(id)] : [])),
  }));
}
