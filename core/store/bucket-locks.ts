import type { Queryable } from './db.ts';

/** Ids of one scope hash into this many locks: few enough for PostgreSQL's shared lock table. */
const LOCK_BUCKETS = 64;

/**
 * Transaction-scoped advisory locks on the hash buckets of `ids` within `scope`, taken in bucket
 * order so that two transactions locking overlapping ids cannot deadlock. Buckets, not one lock per
 * id: a batch of a thousand ids would otherwise take a thousand slots of the shared lock table,
 * which a few workers at once can fill.
 */
export async function lockIdBuckets(db: Queryable, scope: string, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  await db.query(
    `SELECT pg_advisory_xact_lock(hashtext($1 || ':' || bucket))
     FROM (SELECT DISTINCT abs(hashtext(id) % $3) AS bucket FROM unnest($2::text[]) AS id ORDER BY 1) AS buckets`,
    [scope, ids, LOCK_BUCKETS],
  );
}
