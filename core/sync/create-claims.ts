import type { Queryable } from '../store/db.ts';
import { bodyHashOf, type PlannedOp } from './write-results.ts';

/**
 * How long a claim keeps other jobs off a record's create. A job that lives longer (long
 * backoffs) loses nothing: whoever takes the claim over sends the same key.
 */
export const CREATE_CLAIM_LEASE_MS = 60_000;

export interface ClaimedCreates {
  /** Creates to send now, each with the key its record's create was first tried with. */
  send: PlannedOp[];
  /** Creates another live job is sending right now: to be tried again once that job settled them. */
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

/** The pending creates of records, by the parameter numbers of their connection, stream and ids. */
const pendingClaimsSql = (connection: string, stream: string, ids: string) =>
  `SELECT o.canonical_id::text, o.idempotency_key, o.version, o.claimed_by,
       extract(epoch FROM now() - o.written_at) * 1000 AS age_ms, false AS fresh
     FROM outbound_writes o
     WHERE o.connection_id = ${connection} AND o.stream = ${stream} AND o.status = 'pending'
       AND o.canonical_id = ANY(${ids}::uuid[])`;

const SETTLED_POLL_MS = 100;

const heldElsewhere = (row: PendingRow, jobId: string) =>
  row.claimed_by !== null && row.claimed_by !== jobId && row.age_ms < CREATE_CLAIM_LEASE_MS;

async function pendingClaims(
  db: Queryable,
  target: { connectionId: string; stream: string },
  canonicalIds: string[],
): Promise<PendingRow[]> {
  const { rows } = await db.query<PendingRow>(pendingClaimsSql('$1', '$2', '$3'), [
    target.connectionId,
    target.stream,
    canonicalIds,
  ]);
  return rows;
}

/** The records among `canonicalIds` whose create was sent and never answered: it may have taken effect. */
export async function createsInDoubt(
  db: Queryable,
  target: { connectionId: string; stream: string },
  canonicalIds: string[],
): Promise<Set<string>> {
  if (canonicalIds.length === 0) return new Set();
  const rows = await pendingClaims(db, target, canonicalIds);
  return new Set(rows.map((row) => row.canonical_id));
}

/**
 * Waits until no other job holds a fresh claim on these records' creates (their answer recorded,
 * their claim dropped or released, or its lease run out) or until `deadline` (epoch ms) passes.
 * Answers the records still held elsewhere: none once the claims settled.
 */
export async function claimsSettled(
  db: Queryable,
  target: { connectionId: string; stream: string },
  canonicalIds: string[],
  jobId: string,
  deadline: number,
): Promise<string[]> {
  for (;;) {
    const rows = await pendingClaims(db, target, canonicalIds);
    const held = rows.filter((row) => heldElsewhere(row, jobId)).map((row) => row.canonical_id);
    if (held.length === 0 || Date.now() >= deadline) return held;
    await new Promise((resolve) => setTimeout(resolve, Math.min(SETTLED_POLL_MS, deadline - Date.now())));
  }
}

/**
 * Claims the creates of a batch for job `jobId` before they go out. A create first tried by an
 * earlier job (whose answer was lost, or which crashed) and not settled since is sent again with
 * that first key, whatever the record's version now, so a target that honours the key finds the
 * record instead of creating a second one. A create another job is still sending is answered as
 * busy, to every caller: a target that looks a record up and then creates it (two calls) would
 * make it twice if both sent it at once.
 */
export async function claimCreates(
  db: Queryable,
  target: { connectionId: string; stream: string },
  creates: PlannedOp[],
  jobId: string,
): Promise<ClaimedCreates> {
  const claimed: ClaimedCreates = { send: [], busy: [], stale: new Set() };
  if (creates.length === 0) return claimed;
  const { rows: claimedRows } = await db.query<PendingRow>(
    `WITH w AS (SELECT * FROM unnest($1::text[], $2::uuid[], $3::int[], $4::text[]) AS w(idempotency_key, canonical_id, version, content_hash)),
     claimed AS (
       INSERT INTO outbound_writes (idempotency_key, connection_id, stream, canonical_id, version, content_hash, status, claimed_by)
       SELECT idempotency_key, $5, $6, canonical_id, version, content_hash, 'pending', $7 FROM w
       ON CONFLICT DO NOTHING
       RETURNING canonical_id, idempotency_key, version, claimed_by, 0::float8 AS age_ms, true AS fresh)
     SELECT canonical_id::text, idempotency_key, version, claimed_by, age_ms, fresh FROM claimed
     UNION ALL
     ${pendingClaimsSql('$5', '$6', '$2')}`,
    [
      creates.map((item) => item.op.idempotencyKey),
      creates.map((item) => item.record.id),
      creates.map((item) => item.record.version),
      creates.map((item) => bodyHashOf(item.record)),
      target.connectionId,
      target.stream,
      jobId,
    ],
  );
  // A claim committed while the statement ran conflicts with its insert but is not in its snapshot.
  const unseen = creates
    .map((item) => item.record.id)
    .filter((id) => !claimedRows.some((row) => row.canonical_id === id));
  const rows =
    unseen.length === 0 ? claimedRows : [...claimedRows, ...(await pendingClaims(db, target, unseen))];
  const pending = new Map(rows.map((row) => [row.canonical_id, row]));
  const takeOver: Array<{ item: PlannedOp; row: PendingRow }> = [];
  for (const item of creates) {
    const row = pending.get(item.record.id);
    // No row: this version was written before (a forced replay); it goes out as planned.
    if (!row || row.fresh) claimed.send.push(item);
    else if (heldElsewhere(row, jobId)) claimed.busy.push(item);
    else takeOver.push({ item, row });
  }
  const taken = await takeOverClaims(
    db,
    takeOver.map(({ row }) => row.idempotency_key),
    jobId,
  );
  for (const { item, row } of takeOver) {
    // Another job took it over between the read and the update: it is that job's create now.
    if (!taken.has(row.idempotency_key)) {
      claimed.busy.push(item);
      continue;
    }
    if (row.version < item.record.version) claimed.stale.add(item.record.id);
    claimed.send.push({ ...item, op: { ...item.op, idempotencyKey: row.idempotency_key } });
  }
  return claimed;
}

/**
 * Takes over the claims that are still free (released, or their lease run out) or already this
 * job's, and answers the keys it took. The check and the take are one statement: of jobs that
 * read the same free claim at once, the row lock lets one through and the others find it held.
 */
async function takeOverClaims(db: Queryable, keys: string[], jobId: string): Promise<Set<string>> {
  if (keys.length === 0) return new Set();
  const { rows } = await db.query<{ idempotency_key: string }>(
    `UPDATE outbound_writes SET claimed_by = $2, written_at = now()
     WHERE idempotency_key = ANY($1::text[]) AND status = 'pending'
       AND (claimed_by IS NULL OR claimed_by = $2 OR written_at < now() - $3::float8 * interval '1 millisecond')
     RETURNING idempotency_key`,
    [keys, jobId, CREATE_CLAIM_LEASE_MS],
  );
  return new Set(rows.map((row) => row.idempotency_key));
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
