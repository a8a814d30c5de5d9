import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeDrivers } from '../../tests/support/drivers.ts';
import { memoryConnector } from '../../tests/support/memory-system.ts';
import { eventually } from '../../tests/support/test-hub.ts';
import type { Store } from '../store/index.ts';
import { acquireStreamLease, STREAM_LEASE_LOST } from './stream-lock.ts';

// A run keeps its stream only while its lease is its own: a renewal that finds the lease taken
// over (or lapsed past its grace) tells the run to stop, and a page's transaction commits only
// while the lease is still the run's.

const LEASE_MS = 1_000;

describe.each(storeDrivers())('stream lease ($name)', (driver) => {
  let store: Store;
  let streamNo = 0;
  const nextStream = () => `stream-${++streamNo}`;
  const lapse = (stream: string, agoMs: number) =>
    store.db.query(
      `UPDATE stream_locks SET expires_at = now() - $2 * interval '1 millisecond' WHERE stream = $1`,
      [stream, agoMs],
    );
  beforeAll(async () => {
    store = await driver.open();
    await store.connections.save(
      { id: 'crm', kind: 'memory', name: 'CRM', config: { system: 'stream-lease' } },
      memoryConnector.configSchema,
    );
  });
  afterAll(async () => {
    await store?.close();
  });

  it('tells the run it lost the lease once a renewal finds another worker holding it', async () => {
    const stream = nextStream();
    const first = await acquireStreamLease(store.db, 'crm', stream, LEASE_MS);
    await lapse(stream, 1);
    const second = await acquireStreamLease(store.db, 'crm', stream, LEASE_MS);
    try {
      await eventually(() => first.lost.aborted, 5_000, 'the first lease to be lost');
      expect(first.lost.reason).toMatchObject({ code: STREAM_LEASE_LOST });
      expect(second.lost.aborted).toBe(false);
    } finally {
      await first.release();
      await second.release();
    }
  });

  it('keeps a lease a renewal comes late for, but not one lapsed past its grace', async () => {
    const late = nextStream();
    const lateLease = await acquireStreamLease(store.db, 'crm', late, LEASE_MS);
    const gone = nextStream();
    const goneLease = await acquireStreamLease(store.db, 'crm', gone, LEASE_MS);
    try {
      // Lapsed, but well within a grace made long (it is one renewal interval): no one took it over.
      await store.db.query('UPDATE stream_locks SET grace_ms = 60000 WHERE stream = $1', [late]);
      await lapse(late, 1);
      await lapse(gone, LEASE_MS);
      await eventually(() => goneLease.lost.aborted, 5_000, 'the lease lapsed past its grace to be lost');
      const revived = async () =>
        (await store.db.query('SELECT 1 FROM stream_locks WHERE stream = $1 AND expires_at > now()', [late]))
          .rows.length > 0;
      await eventually(revived, 5_000, 'the late renewal to extend the lease');
      expect(lateLease.lost.aborted).toBe(false);
    } finally {
      await lateLease.release();
      await goneLease.release();
    }
  });

  it("commits a page's transaction only while the lease is still the run's", async () => {
    const stream = nextStream();
    const first = await acquireStreamLease(store.db, 'crm', stream, LEASE_MS);
    const write = (value: string) =>
      store.db.transaction(async (tx) => {
        await tx.query(
          `INSERT INTO connection_state (connection_id, key, value, updated_at) VALUES ('crm', $1, $2, now())
           ON CONFLICT (connection_id, key) DO UPDATE SET value = EXCLUDED.value`,
          [`lease-test:${stream}`, JSON.stringify(value)],
        );
        await first.confirmHeld(tx);
      });
    await write('while held');
    await lapse(stream, 1);
    const second = await acquireStreamLease(store.db, 'crm', stream, LEASE_MS);
    try {
      await expect(write('after the take-over')).rejects.toMatchObject({ code: STREAM_LEASE_LOST });
      const { rows } = await store.db.query<{ value: string }>(
        'SELECT value FROM connection_state WHERE key = $1',
        [`lease-test:${stream}`],
      );
      expect(rows).toEqual([{ value: 'while held' }]);
    } finally {
      await first.release();
      await second.release();
    }
  });
});
