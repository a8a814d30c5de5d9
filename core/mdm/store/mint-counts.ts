import type { Queryable } from '../../store/db.ts';
import type { PageMatches } from '../service/matcher.ts';

/**
 * Pages of two connections matched at the same moment cannot see each other's new records: both
 * would create a golden record for one company. Pages that create golden records of an entity
 * therefore take turns (a transaction-scoped lock), and each connection counts the pages it
 * created records in. A page matched before its transaction compares the other connections'
 * count then and under the lock: when it moved, the page is matched again, now seeing them.
 */
export async function lockMinting(db: Queryable, entity: string): Promise<void> {
  await db.query("SELECT pg_advisory_xact_lock(hashtext('mdm-mint:' || $1))", [entity]);
}

/** How many pages of other connections have created golden records of `entity` so far. */
export async function mintedByOthers(db: Queryable, entity: string, connectionId: string): Promise<number> {
  const { rows } = await db.query<{ pages: string }>(
    'SELECT coalesce(sum(pages), 0)::text AS pages FROM mdm_mint_counts WHERE entity = $1 AND connection_id <> $2',
    [entity, connectionId],
  );
  return Number(rows[0]?.pages ?? 0);
}

export async function countMinting(db: Queryable, entity: string, connectionId: string): Promise<void> {
  await db.query(
    `INSERT INTO mdm_mint_counts (entity, connection_id, pages) VALUES ($1, $2, 1)
     ON CONFLICT (entity, connection_id) DO UPDATE SET pages = mdm_mint_counts.pages + 1`,
    [entity, connectionId],
  );
}

/** Matches found before the transaction, unless other connections have created records since. */
export async function unlessOthersMinted(
  db: Queryable,
  page: { entity: string; connectionId: string; matched?: PageMatches },
): Promise<PageMatches | undefined> {
  const pre = page.matched;
  if (pre?.othersMinted === undefined) return pre;
  const now = await mintedByOthers(db, page.entity, page.connectionId);
  return now === pre.othersMinted ? pre : undefined;
}
