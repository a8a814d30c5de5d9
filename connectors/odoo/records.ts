import { z } from 'zod';
import { parseOrThrow } from '../../core/errors/index.ts';

/** A row of search_read / read: always an integer id; empty values are `false`, never null. */
export const odooRowSchema = z.looseObject({ id: z.number().int() });
export type OdooRow = z.infer<typeof odooRowSchema>;

/**
 * search_read context that finds archived records (active = false) too: an archive is a change
 * to sync, and old rows may point at archived records.
 */
export const includeArchived = { active_test: false };

export function parseRows(value: unknown, what: string): OdooRow[] {
  return parseOrThrow(z.array(odooRowSchema), value, { what });
}

/** The id of a many2one value: `[id, "display name"]`, or undefined for `false`. */
export function many2oneId(value: unknown): number | undefined {
  if (Array.isArray(value) && typeof value[0] === 'number') return value[0];
  return typeof value === 'number' ? value : undefined;
}
