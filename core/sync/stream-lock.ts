import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { HubError } from '../errors/index.ts';
import { logger } from '../log/logger.ts';
import type { Queryable } from '../store/db.ts';

export const processOwner = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;

/**
 * A lease is renewed three times per length, so a renewal can come two thirds of a lease late
 * before the lease lapses. No floor: a floor of a second would reach a one-second lease.
 */
export const leaseRenewalMs = (ttlMs: number) => Math.floor(ttlMs / 3);

/** The code of the error a run meets once its stream is no longer its own. */
export const STREAM_LEASE_LOST = 'stream_lease_lost';

export interface StreamLease {
  /** Aborted (its reason a `stream_lease_lost` error) once a renewal finds the lease gone. */
  readonly lost: AbortSignal;
  /**
   * In a transaction about to commit the run's work: throws `stream_lease_lost` unless the lease
   * is still this run's, and keeps it from being taken over until that transaction ends.
   */
  confirmHeld(tx: Queryable): Promise<void>;
  release(): Promise<void>;
}

/**
 * The lease is this run's while it names the run as owner and has not ended more than its grace
 * ago: past that, abandonUnleasedRuns counts the run as dead, and a renewal must not revive it.
 */
const HELD = `connection_id = $1 AND stream = $2 AND owner = $3
  AND expires_at + grace_ms * interval '1 millisecond' >= clock_timestamp()`;

/**
 * One run per stream at a time, across every worker on every host: a lease row in the database,
 * renewed while the run lives. A process that dies stops renewing and the lease expires, so a
 * crashed run never blocks the stream for longer than `ttlMs`. A run whose renewals came too late
 * (a stalled event loop, a database blip) loses the lease: `lost` tells it to stop, and
 * `confirmHeld` keeps it from committing a page after another worker took the stream over.
 */
export async function acquireStreamLease(
  db: Queryable,
  connectionId: string,
  stream: string,
  ttlMs = 30_000,
): Promise<StreamLease> {
  const owner = `${processOwner}:${randomUUID().slice(0, 8)}`;
  // Only while the connection is there: its delete (which locks it, then refuses while a stream is
  // leased) is waited for, so a run never starts for a connection deleted after the run read it.
  const { rowCount } = await db.query(
    `INSERT INTO stream_locks (connection_id, stream, owner, expires_at, grace_ms)
     SELECT $1, $2, $3, now() + $4 * interval '1 millisecond', $5 FROM connections WHERE id = $1 FOR KEY SHARE
     ON CONFLICT (connection_id, stream) DO UPDATE SET owner = EXCLUDED.owner, expires_at = EXCLUDED.expires_at,
       grace_ms = EXCLUDED.grace_ms
     WHERE stream_locks.expires_at < now()`,
    // The run counts as alive one renewal past the lease's end (see abandonUnleasedRuns).
    [connectionId, stream, owner, ttlMs, leaseRenewalMs(ttlMs)],
  );
  if (rowCount === 0) await refuseLease(db, connectionId, stream);
  const key = [connectionId, stream, owner];
  const lost = new AbortController();
  const loseLease = () => {
    clearInterval(timer);
    logger.warn('stream lease lost: the run stops', { connectionId, stream, owner });
    lost.abort(leaseLostError(connectionId, stream));
  };
  const timer = setInterval(() => {
    renewLease(db, key, ttlMs).then(
      (held) => {
        if (!held && !lost.signal.aborted) loseLease();
      },
      // A renewal that failed is not yet a lost lease: the next one, or the next page's commit, tells.
      (error: unknown) => logger.warn('stream lease renewal failed', { connectionId, stream, error }),
    );
  }, leaseRenewalMs(ttlMs));
  timer.unref();
  return {
    lost: lost.signal,
    async confirmHeld(tx) {
      // FOR SHARE: a worker taking the stream over waits until this transaction has ended.
      const { rows } = await tx.query(`SELECT 1 FROM stream_locks WHERE ${HELD} FOR SHARE`, key);
      if (rows.length === 0) throw leaseLostError(connectionId, stream);
    },
    async release() {
      clearInterval(timer);
      await db.query('DELETE FROM stream_locks WHERE connection_id = $1 AND stream = $2 AND owner = $3', key);
    },
  };
}

async function renewLease(db: Queryable, key: string[], ttlMs: number): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE stream_locks SET expires_at = now() + $4 * interval '1 millisecond' WHERE ${HELD}`,
    [...key, ttlMs],
  );
  return rowCount > 0;
}

function leaseLostError(connectionId: string, stream: string): HubError {
  return new HubError(
    'conflict',
    STREAM_LEASE_LOST,
    `${connectionId}/${stream}: the run lost its stream lease (renewed too late, or taken over by another worker)`,
  );
}

/** Why no lease was had: the connection is gone, or another run holds the stream. */
async function refuseLease(db: Queryable, connectionId: string, stream: string): Promise<never> {
  const { rows } = await db.query<{ owner: string | null }>(
    `SELECT (SELECT owner FROM stream_locks WHERE connection_id = $1 AND stream = $2) AS owner
     FROM connections WHERE id = $1`,
    [connectionId, stream],
  );
  if (!rows[0]) throw new HubError('not_found', 'connection_not_found', `No connection "${connectionId}"`);
  throw new HubError(
    'conflict',
    'stream_busy',
    `${connectionId}/${stream} is already being synced by ${rows[0].owner ?? 'another worker'}`,
  );
}
