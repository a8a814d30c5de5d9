import type { ReferenceResolver } from '../mapping/index.ts';
import type { Queryable } from '../store/db.ts';
import { canonicalIdsFor, externalIdsFor } from '../store/repos/xref.ts';

/**
 * Resolves references through the xref for one connection. Lookups of a page are gathered with
 * `prefetch` so that a page of records costs one query per referenced entity, not one per record.
 */
export function createXrefResolver(db: Queryable, connectionId: string) {
  const toCanonicalCache = new Map<string, string | undefined>();
  const toExternalCache = new Map<string, string | undefined>();
  const resolver: ReferenceResolver & {
    prefetchExternal(entity: string, externalIds: string[]): Promise<void>;
    prefetchCanonical(entity: string, canonicalIds: string[]): Promise<void>;
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
        const found = await externalIdsFor(db, entity, connectionId, [canonicalId]);
        toExternalCache.set(key, found.get(canonicalId));
      }
      return toExternalCache.get(key);
    },
    async prefetchExternal(entity, externalIds) {
      const found = await canonicalIdsFor(db, entity, connectionId, externalIds);
      for (const id of externalIds) toCanonicalCache.set(`${entity}\u0000${id}`, found.get(id));
    },
    async prefetchCanonical(entity, canonicalIds) {
      const found = await externalIdsFor(db, entity, connectionId, canonicalIds);
      for (const id of canonicalIds) toExternalCache.set(`${entity}\u0000${id}`, found.get(id));
    },
    forget() {
      toCanonicalCache.clear();
      toExternalCache.clear();
    },
  };
  return resolver;
}
