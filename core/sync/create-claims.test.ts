import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { canonicalIdOf, connectCrmAndErp, goldenVersionOf } from '../../tests/integration/flow-fixture.ts';
import { storeDrivers } from '../../tests/support/drivers.ts';
import {
  lookUpThenCreate,
  type MemorySystem,
  memoryConnector,
  memorySystem,
} from '../../tests/support/memory-system.ts';
import { startTestHub, type TestHub } from '../../tests/support/test-hub.ts';
import type { Connector, WriteOp, WriteResult } from '../connector/types.ts';
import { HubError } from '../errors/index.ts';
import { createMemoryQueue } from '../queue/memory-driver.ts';
import { CREATE_CLAIM_LEASE_MS } from './create-claims.ts';
import { handleWriteJob } from './outbound.ts';
import { runSync } from './run-sync.ts';

// A create whose claim is free again (its job gave up, or its lease ran out after a crash) is taken
// over by the next job. Writers that find it free at the same moment (a flow step and the outbound
// queue, or a connection's concurrency) must not all take it: a target that looks a record up and
// then creates it (Odoo) would make the record once per writer.

const roundTrip = () => new Promise((resolve) => setTimeout(resolve, 40));
let down = false;

const odooLike = {
  ...memoryConnector,
  write: async (ctx, stream, ops: WriteOp[]): Promise<WriteResult[]> => {
    if (stream !== 'customers') return memoryConnector.write!(ctx, stream, ops);
    if (down) throw new HubError('transient', 'http_503', 'Service Unavailable');
    return lookUpThenCreate(memorySystem(ctx.config.system), stream, ops, roundTrip);
  },
} as typeof memoryConnector;

describe.each(storeDrivers())('create claim take-over on $name', (driver) => {
  let test: TestHub;
  let crm: MemorySystem;
  let erp: MemorySystem;
  beforeEach(async () => {
    down = false;
    test = await startTestHub({
      store: await driver.open(),
      queue: createMemoryQueue(),
      connectors: [odooLike as Connector<unknown>],
      workers: false,
    });
    ({ crm, erp } = await connectCrmAndErp(test.hub, 'takeover'));
  });
  afterEach(async () => {
    await test.stop();
  });

  /** A customer whose first create failed (the target was down): its claim stays pending, released. */
  async function createFailedOnce() {
    crm.put('customers', { id: 'C-1', name: 'Hengda Auto Parts' });
    await runSync(test.hub, { connectionId: 'crm', stream: 'customers' });
    const canonicalId = await canonicalIdOf(test.hub, 'customer', 'crm', 'C-1');
    const version = await goldenVersionOf(test.hub, canonicalId);
    const job = { connectionId: 'erp', stream: 'customers', items: [{ canonicalId, version }] };
    down = true;
    await expect(handleWriteJob(test.hub, job)).rejects.toMatchObject({ code: 'http_503' });
    down = false;
    const claims = () =>
      test.hub.store.db.query<{ status: string; claimed_by: string | null }>(
        `SELECT status, claimed_by FROM outbound_writes WHERE canonical_id = $1`,
        [canonicalId],
      );
    expect((await claims()).rows).toEqual([{ status: 'pending', claimed_by: null }]);
    return { job, claims };
  }

  it('lets only one of concurrent writers take over a released create claim', async () => {
    const { job, claims } = await createFailedOnce();
    const writers = await Promise.allSettled([1, 2, 3, 4].map(() => handleWriteJob(test.hub, job)));
    expect(erp.list('customers')).toHaveLength(1);
    // The others waited for the create to settle, then found it written.
    expect(writers.map((writer) => writer.status)).toEqual(Array(4).fill('fulfilled'));
    expect((await claims()).rows).toMatchObject([{ status: 'done' }]);
  });

  it('lets only one of concurrent writers take over a create claim whose lease ran out', async () => {
    const { job } = await createFailedOnce();
    // As if a worker had claimed it and died: held by a job that no longer runs, past its lease.
    await test.hub.store.db.query(
      `UPDATE outbound_writes SET claimed_by = 'crashed-job', written_at = now() - $1::float8 * interval '1 millisecond'`,
      [CREATE_CLAIM_LEASE_MS + 1_000],
    );
    await Promise.allSettled([1, 2, 3, 4].map(() => handleWriteJob(test.hub, job)));
    expect(erp.list('customers')).toHaveLength(1);
  });
});
