import { z } from 'zod';
import type { StreamSpec } from '../../../core/connector/types.ts';

/** One file per stream: what the engine is told, and the vendor's list response. */
export const itemsStream: StreamSpec = {
  name: 'items',
  entity: 'item',
  primaryKey: 'id',
  cursorField: 'updated_at',
  read: true,
  write: true,
  description: 'The vendor’s articles',
};

export const itemsPath = '/v1/items';

export const itemListSchema = z.object({
  items: z.array(z.object({ id: z.string(), updated_at: z.string() }).passthrough()),
  next_page_token: z.string().nullable().optional(),
});
