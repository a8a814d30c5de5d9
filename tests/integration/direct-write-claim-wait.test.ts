import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isHubError } from '../../core/errors/index.ts';
import { createMemoryQueue } from '../../core/queue/memory-driver.ts';
import { handleWriteJob, idempotencyKeyOf } from '../../core/sync/outbound.ts';
import { runSync } from '../../core/sync/run-sync.ts';
import { storeDrivers } from '../support/drivers.ts';
import type { MemorySystem } from '../support/memory-system.ts';
import { startTestHub, type TestHub } from '../support/test-hub.ts';
import { canonicalIdOf, connectCrmAndErp, goldenVersionOf } from './flow-fixture.ts';

// A direct caller (a flow step) meeting another job's fresh create claim waits for it at most the
// claim lease in all, then gives up with a retryable error instead of sending the create too.

describe.each(storeDrivers())('a direct write meeting a claim that stays fresh ($name)', (driver) => {
  let test: TestHub;
  let erp: MemorySystem;
  beforeEach(async () => {
    test = await startTestHub({ store: await driver.open(), queue: createMemoryQueue(), workers: false });
    const systems = await connectCrmAndErp(test.hub, 'claim-wait');
    erp = systems.erp;
    systems.crm.put('customers', { id: 'C-1', name: 'Hengda Auto Parts' });
    await runSync(test.hub, { connectionId: 'crm', stream: 'customers' });
  });
  afterEach(async () => {
    await test.stop();
  });

  /** Another job's claim on the record's create, refreshed as each retry of that job does. */
  async function claimedElsewhere(canonicalId: string, version: number) {
    const { db } = test.hub.store;
    const claim = () =>
      db.query(
        `INSERT INTO outbound_writes (idempotency_key, connection_id, stream, canonical_id, version, content_hash, status, claimed_by)
         VALUES ($1, 'erp', 'customers', $2, $3, 'h', 'pending', 'queued-job')
         ON CONFLICT (idempotency_key) DO UPDATE SET written_at = now()`,
        [idempotencyKeyOf('erp', 'customers', canonicalId, version), canonicalId, version],
      );
    await claim();
    const refresher = setInterval(() => void claim(), 100);
    return () => clearInterval(refresher);
  }

  it('gives up after the wait with a retryable error naming the record, without creating it', async () => {
    const canonicalId = await canonicalIdOf(test.hub, 'customer', 'crm', 'C-1');
    const version = await goldenVersionOf(test.hub, canonicalId);
    const stopRefreshing = await claimedElsewhere(canonicalId, version);
    const started = Date.now();
    const outcome = await handleWriteJob(
      test.hub,
      { connectionId: 'erp', stream: 'customers', items: [{ canonicalId, version }] },
      undefined,
      { claimWaitMs: 500 },
    ).catch((error: unknown) => error);
    stopRefreshing();
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(isHubError(outcome) && outcome.retryable).toBe(true);
    expect(outcome).toMatchObject({ kind: 'transient', code: 'create_claimed_elsewhere' });
    expect((outcome as Error).message).toContain(canonicalId);
    expect(erp.list('customers')).toHaveLength(0);
  }, 15_000);
});
