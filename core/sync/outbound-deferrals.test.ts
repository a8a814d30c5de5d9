import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { canonicalIdOf, connectCrmAndErp, goldenVersionOf } from '../../tests/integration/flow-fixture.ts';
import { storeDrivers } from '../../tests/support/drivers.ts';
import { type MemorySystem, memoryConnector } from '../../tests/support/memory-system.ts';
import { startTestHub, type TestHub } from '../../tests/support/test-hub.ts';
import type { Connector } from '../connector/types.ts';
import { HubError } from '../errors/index.ts';
import { createMemoryQueue } from '../queue/memory-driver.ts';
import { handleWriteJob } from './outbound.ts';
import { runSync } from './run-sync.ts';
import type { WriteJob } from './write-targets.ts';

// A queued write whose create another job is sending is put off for a second. The job that runs
// then may find the create still being sent and put it off again; when it runs inside the same
// second by its clock (a host whose clock is a little behind the one that queued it), the new
// job must not get the id of the job still running, or the queue drops it and the record with it.

let erpDown = false;
const failingOnce = {
  ...memoryConnector,
  write: async (ctx, stream, ops) => {
    if (erpDown && stream === 'customers') throw new HubError('transient', 'http_503', 'Service Unavailable');
    return memoryConnector.write!(ctx, stream, ops);
  },
} as typeof memoryConnector;

describe.each(storeDrivers())('deferred write jobs on $name', (driver) => {
  let test: TestHub;
  let crm: MemorySystem;
  beforeEach(async () => {
    test = await startTestHub({
      store: await driver.open(),
      queue: createMemoryQueue(),
      connectors: [failingOnce as Connector<unknown>],
      workers: false,
    });
    ({ crm } = await connectCrmAndErp(test.hub, 'deferrals'));
  });
  afterEach(async () => {
    vi.restoreAllMocks();
    await test.stop();
  });

  /** A customer whose create another (live) job holds a fresh claim on. */
  async function createHeldElsewhere(): Promise<WriteJob> {
    crm.put('customers', { id: 'C-1', name: 'Hengda Auto Parts' });
    await runSync(test.hub, { connectionId: 'crm', stream: 'customers' });
    const canonicalId = await canonicalIdOf(test.hub, 'customer', 'crm', 'C-1');
    const job = {
      connectionId: 'erp',
      stream: 'customers',
      items: [{ canonicalId, version: await goldenVersionOf(test.hub, canonicalId) }],
    };
    erpDown = true;
    await expect(handleWriteJob(test.hub, job)).rejects.toMatchObject({ code: 'http_503' });
    erpDown = false;
    await test.hub.store.db.query(
      `UPDATE outbound_writes SET claimed_by = 'live-job', written_at = now() WHERE canonical_id = $1`,
      [canonicalId],
    );
    return job;
  }

  it('gives a batch put off again within the same second an id of its own', async () => {
    const job = await createHeldElsewhere();
    const added: Array<{ id: string | undefined; data: WriteJob }> = [];
    const add = test.hub.queue.add.bind(test.hub.queue);
    vi.spyOn(test.hub.queue, 'add').mockImplementation(async (queue, name, data, options) => {
      added.push({ id: options?.jobId, data: data as WriteJob });
      return add(queue, name, data, options);
    });
    vi.spyOn(Date, 'now').mockReturnValue(Date.parse('2026-12-03T10:00:00.100Z'));

    await handleWriteJob(test.hub, job, 'queued-1');
    const first = added.at(-1)!;
    expect(first.id).toMatch(/^wb-/);
    await handleWriteJob(test.hub, first.data, first.id);
    const second = added.at(-1)!;
    expect(added).toHaveLength(2);
    expect(second.data.items).toEqual(job.items);
    expect(second.id).not.toBe(first.id);
  });
});
