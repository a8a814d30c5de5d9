import { hasUuidForm } from '../../model/primitives.ts';
import type { Queryable } from '../db.ts';

/**
 * Records the hub created in this source, read before the hub recorded the create: each carries
 * the canonical id it was created for (`hubIdOf`), and that golden record is live and has no link
 * into this connection yet. They are that record, not new ones: a read racing a create would
 * otherwise mint a second golden record, and the create would then fail as a conflicting link.
 * A record copied in the source carries an id already linked, and stays a record of its own.
 */
export async function recordsCreatedByHub(
  db: Queryable,
  page: { entity: string; connectionId: string },
  unknown: ReadonlyArray<{ externalId: string; raw: unknown }>,
  hubIdOf: ((raw: unknown) => string | undefined) | undefined,
): Promise<Map<string, string>> {
  const carried = new Map<string, string>();
  if (!hubIdOf) return carried;
  for (const record of unknown) {
    const id = hubIdOf(record.raw);
    if (id !== undefined && hasUuidForm(id)) carried.set(record.externalId, id.toLowerCase());
  }
  if (carried.size === 0) return carried;
  const { rows } = await db.query<{ id: string }>(
    `SELECT g.id::text FROM golden_records g
     WHERE g.id = ANY($1::uuid[]) AND g.entity = $2 AND g.merged_into IS NULL AND NOT g.deleted
       AND NOT EXISTS (SELECT 1 FROM xref x WHERE x.entity = g.entity AND x.canonical_id = g.id AND x.connection_id = $3)`,
    [[...new Set(carried.values())], page.entity, page.connectionId],
  );
  const free = new Set(rows.map((row) => row.id));
  const links = new Map<string, string>();
  for (const [externalId, id] of carried) {
    // Two records carrying one id (a copy read in the same page): the first keeps it.
    if (!free.delete(id)) continue;
    links.set(externalId, id);
  }
  return links;
}
