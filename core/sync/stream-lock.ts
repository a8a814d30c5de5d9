import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { HubError } from '../errors/index.ts';
import type { Queryable } from '../store/db.ts';

export const processOwner = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;

/**
 * A lease is renewed three times per length, so a renewal can come two thirds of a lease late
 * before the lease lapses. No floor: a floor of a second would reach a one-second lease.
 */
export const leaseRenewalMs = (ttlMs: number) => Math.floor(ttlMs / 3);

export interface StreamLease {
  release(): Promise<void>;
}

/**
 * One run per stream at a time, across every worker on every host: a lease row in the database,
 * renewed while the run lives. A process that dies stops renewing and the lease expires, so a
 * crashed run never blocks the stream for longer than `ttlMs`.
 */
export async function acquireStreamLease(
  db: Queryable,
  connectionId: string,
  stream: string,
  ttlMs = 30_000,
): Promise<StreamLease> {
  const owner = `${processOwner}:${randomUUID().slice(0, 8)}`;
  const { rowCount } = await db.query(
    `INSERT INTO stream_locks (connection_id, stream, owner, expires_at, grace_ms)
     VALUES ($1, $2, $3, now() + $4 * interval '1 millisecond', $5)
     ON CONFLICT (connection_id, stream) DO UPDATE SET owner = EXCLUDED.owner, expires_at = EXCLUDED.expires_at,
       grace_ms = EXCLUDED.grace_ms
     WHERE stream_locks.expires_at < now()`,
    // The run counts as alive one renewal past the lease's end (see abandonUnleasedRuns).
    [connectionId, stream, owner, ttlMs, leaseRenewalMs(ttlMs)],
  );
  if (rowCount === 0) {
    const { rows } = await db.query<{ owner: string }>(
      'SELECT owner FROM stream_locks WHERE connection_id = $1 AND stream = $2',
      [connectionId, stream],
    );
    throw new HubError(
      'conflict',
      'stream_busy',
      `${connectionId}/${stream} is already being synced by ${rows[0]?.owner ?? 'another worker'}`,
    );
  }
  const timer = setInterval(() => {
    void db
      .query(
        `UPDATE stream_locks SET expires_at = now() + $4 * interval '1 millisecond' WHERE connection_id = $1 AND stream = $2 AND owner = $3`,
        [connectionId, stream, owner, ttlMs],
      )
      .catch(() => undefined);
  }, leaseRenewalMs(ttlMs));
  timer.unref();
  return {
    async release() {
      clearInterval(timer);
      await db.query('DELETE FROM stream_locks WHERE connection_id = $1 AND stream = $2 AND owner = $3', [
        connectionId,
        stream,
        owner,
      ]);
    },
  };
}
