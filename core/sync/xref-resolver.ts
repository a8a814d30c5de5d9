import { HubError } from '../errors/index.ts';
import type { ReferenceResolver } from '../mapping/index.ts';
import { hasUuidForm } from '../model/primitives.ts';
import type { Queryable } from '../store/db.ts';
import { canonicalIdsFor, externalIdsFor } from '../store/repos/xref.ts';

/**
 * A value in a reference field that cannot be a canonical id is bad data of that record, not a
 * database failure that would fail every record of its batch with it.
 */
function assertCanonicalId(entity: string, canonicalId: string): void {
  if (hasUuidForm(canonicalId)) return;
  throw new HubError(
    'invalid_data',
    'invalid_reference',
    `"${canonicalId}" is not the canonical id of a ${entity} (expected a UUID)`,
  );
}

/** Merges followed from a referenced record to its survivor, as reads of a merged id do. */
const MAX_MERGE_HOPS = 10;

/**
 * canonical id → the connection's external id, through merges: a merge moves the merged record's
 * links to the survivor, while records that reference the merged id keep it in their bodies.
 */
async function externalIdsThroughMerges(
  db: Queryable,
  entity: string,
  connectionId: string,
  canonicalIds: string[],
): Promise<Map<string, string>> {
  if (canonicalIds.length === 0) return new Map();
  const { rows } = await db.query<{ canonical_id: string; external_id: string }>(
    `WITH RECURSIVE chain (start, id, hops) AS (
       SELECT id, id, 0 FROM unnest($3::uuid[]) AS id
       UNION ALL
       SELECT c.start, g.merged_into, c.hops + 1 FROM chain c JOIN golden_records g ON g.id = c.id
       WHERE g.merged_into IS NOT NULL AND c.hops < $4
     )
     SELECT DISTINCT ON (c.start) c.start::text AS canonical_id, x.external_id FROM chain c
       JOIN xref x ON x.canonical_id = c.id AND x.entity = $1 AND x.connection_id = $2
     ORDER BY c.start, c.hops DESC`,
    [entity, connectionId, canonicalIds, MAX_MERGE_HOPS],
  );
  return new Map(rows.map((row) => [row.canonical_id, row.external_id]));
}

/**
 * Resolves references through the xref for one connection. Lookups of a page are gathered with
 * `prefetch` so that a page of records costs one query per referenced entity, not one per record.
 */
export function createXrefResolver(db: Queryable, connectionId: string) {
  const toCanonicalCache = new Map<string, string | undefined>();
  const toExternalCache = new Map<string, string | undefined>();
  const resolver: ReferenceResolver & {
    prefetchExternal(entity: string, externalIds: string[]): Promise<void>;
    prefetchCanonical(entity: string, canonicalIds: string[], live?: ReadonlySet<string>): Promise<void>;
    forget(): void;
  } = {
    async toCanonical(entity, externalId) {
      const key = `${entity}\u0000${externalId}`;
      if (!toCanonicalCache.has(key)) {
        const found = await canonicalIdsFor(db, entity, connectionId, [externalId]);
        toCanonicalCache.set(key, found.get(externalId));
      }
      return toCanonicalCache.get(key);
    },
    async toExternal(entity, canonicalId) {
      const key = `${entity}\u0000${canonicalId}`;
      if (!toExternalCache.has(key)) {
        assertCanonicalId(entity, canonicalId);
        const found = await externalIdsThroughMerges(db, entity, connectionId, [canonicalId]);
        toExternalCache.set(key, found.get(canonicalId));
      }
      return toExternalCache.get(key);
    },
    async prefetchExternal(entity, externalIds) {
      const found = await canonicalIdsFor(db, entity, connectionId, externalIds);
      for (const id of externalIds) toCanonicalCache.set(`${entity}\u0000${id}`, found.get(id));
    },
    /**
     * `live`: ids the caller has just read as not merged. Those with a link of their own skip the
     * walk through merges, which costs a golden-record lookup per id.
     */
    async prefetchCanonical(entity, canonicalIds, live = new Set()) {
      // Ids of the wrong form are left to toExternal, which refuses each for its own record.
      const wellFormed = canonicalIds.filter(hasUuidForm);
      const direct = await externalIdsFor(
        db,
        entity,
        connectionId,
        wellFormed.filter((id) => live.has(id)),
      );
      // A live id without a link is a create, or was merged since the caller read it: the walk
      // tells them apart, so a record merged meanwhile is not created a second time.
      const throughMerges = await externalIdsThroughMerges(
        db,
        entity,
        connectionId,
        wellFormed.filter((id) => !direct.has(id)),
      );
      for (const id of wellFormed)
        toExternalCache.set(`${entity}\u0000${id}`, direct.get(id) ?? throughMerges.get(id));
    },
    forget() {
      toCanonicalCache.clear();
      toExternalCache.clear();
    },
  };
  return resolver;
}
