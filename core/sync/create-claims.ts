import type { Queryable } from '../store/db.ts';
import { contentHash } from '../store/hash.ts';
import type { PlannedOp } from './write-results.ts';

/**
 * How long a claim keeps other jobs off a record's create. A job that lives longer (long
 * backoffs) loses nothing: whoever takes the claim over sends the same key.
 */
export const CREATE_CLAIM_LEASE_MS = 60_000;

export interface ClaimedCreates {
  /** Creates to send now, each with the key its record's create was first tried with. */
  send: PlannedOp[];
  /** Creates another live job is sending right now: to be tried again shortly. */
  busy: PlannedOp[];
  /**
   * Records whose create was first tried at an older version: once created, the target may hold
   * that older version (it answered the first try again), so the newer one must follow as an update.
   */
  stale: Set<string>;
}

interface PendingRow {
  canonical_id: string;
  idempotency_key: string;
  version: number;
  claimed_by: string | null;
  age_ms: number;
  fresh: boolean;
}

/**
 * Claims the creates of a batch for job `jobId` before they go out. A create first tried by an
 * earlier job (whose answer was lost, or which crashed) and not settled since is sent again with
 * that first key, whatever the record's version now, so a target that honours the key finds the
 * record instead of creating a second one. A create another job is still sending waits, unless
 * the claimant cannot wait (a flow step that needs its answer now): it sends the same key at once.
 */
export async function claimCreates(
  db: Queryable,
  target: { connectionId: string; stream: string },
  creates: PlannedOp[],
  claimant: { jobId: string; waits: boolean },
): Promise<ClaimedCreates> {
  const { jobId } = claimant;
  const claimed: ClaimedCreates = { send: [], busy: [], stale: new Set() };
  if (creates.length === 0) return claimed;
  const { rows } = await db.query<PendingRow>(
    `WITH w AS (SELECT * FROM unnest($1::text[], $2::uuid[], $3::int[], $4::text[]) AS w(idempotency_key, canonical_id, version, content_hash)),
     claimed AS (
       INSERT INTO outbound_writes (idempotency_key, connection_id, stream, canonical_id, version, content_hash, status, claimed_by)
       SELECT idempotency_key, $5, $6, canonical_id, version, content_hash, 'pending', $7 FROM w
       ON CONFLICT DO NOTHING
       RETURNING canonical_id, idempotency_key, version, claimed_by, 0::float8 AS age_ms, true AS fresh)
     SELECT canonical_id::text, idempotency_key, version, claimed_by, age_ms, fresh FROM claimed
     UNION ALL
     SELECT o.canonical_id::text, o.idempotency_key, o.version, o.claimed_by,
       extract(epoch FROM now() - o.written_at) * 1000, false
     FROM outbound_writes o
     WHERE o.connection_id = $5 AND o.stream = $6 AND o.status = 'pending' AND o.canonical_id = ANY($2::uuid[])`,
    [
      creates.map((item) => item.op.idempotencyKey),
      creates.map((item) => item.record.id),
      creates.map((item) => item.record.version),
      creates.map((item) => contentHash(item.record.body)),
      target.connectionId,
      target.stream,
      jobId,
    ],
  );
  const pending = new Map(rows.map((row) => [row.canonical_id, row]));
  const takeOver: string[] = [];
  for (const item of creates) {
    const row = pending.get(item.record.id);
    // No row: this version was written before (a forced replay); it goes out as planned.
    if (!row || row.fresh) {
      claimed.send.push(item);
      continue;
    }
    const heldElsewhere =
      claimant.waits &&
      row.claimed_by !== null &&
      row.claimed_by !== jobId &&
      row.age_ms < CREATE_CLAIM_LEASE_MS;
    if (heldElsewhere) {
      claimed.busy.push(item);
      continue;
    }
    takeOver.push(row.idempotency_key);
    if (row.version < item.record.version) claimed.stale.add(item.record.id);
    claimed.send.push({ ...item, op: { ...item.op, idempotencyKey: row.idempotency_key } });
  }
  if (takeOver.length > 0)
    await db.query(
      `UPDATE outbound_writes SET claimed_by = $2, written_at = now() WHERE idempotency_key = ANY($1::text[]) AND status = 'pending'`,
      [takeOver, jobId],
    );
  return claimed;
}

/** Creates the target refused for good: a later version starts over with a key of its own. */
export async function dropClaims(db: Queryable, keys: string[]): Promise<void> {
  if (keys.length === 0) return;
  await db.query(
    `DELETE FROM outbound_writes WHERE idempotency_key = ANY($1::text[]) AND status = 'pending'`,
    [keys],
  );
}

/** A job that gave up lets go of its claims at once: the next job for the record reuses their keys. */
export async function releaseClaims(db: Queryable, jobId: string): Promise<void> {
  await db.query(
    `UPDATE outbound_writes SET claimed_by = NULL WHERE status = 'pending' AND claimed_by = $1`,
    [jobId],
  );
}
