import { afterEach, describe, expect, it } from 'vitest';
import type { Connector, WriteOp, WriteResult } from '../../core/connector/types.ts';
import type { HubError } from '../../core/errors/index.ts';
import { createMemoryQueue } from '../../core/queue/memory-driver.ts';
import { resetCircuits } from '../../core/sync/circuit.ts';
import { handleWriteJob } from '../../core/sync/outbound.ts';
import { runSync } from '../../core/sync/run-sync.ts';
import type { WriteJob } from '../../core/sync/write-targets.ts';
import { storeDrivers } from '../support/drivers.ts';
import { memoryConnector, memorySystem } from '../support/memory-system.ts';
import { eventually, startTestHub, type TestHub } from '../support/test-hub.ts';

// Two jobs writing the same record at once (a queue's concurrency, or a flow beside it): the
// target must end up with the record's newest version, whichever write reached it last.

let run = 0;
let test: TestHub | undefined;
afterEach(async () => {
  await test?.stop();
  test = undefined;
  resetCircuits();
});

type WriteHook = (ops: WriteOp[], write: () => Promise<WriteResult[]>) => Promise<WriteResult[]>;

describe.each(storeDrivers())('writes of one record that overlap, on $name', (driver) => {
  async function crmToErp(hook: WriteHook) {
    run += 1;
    const [crm, erp] = [`order-crm-${run}-${Date.now()}`, `order-erp-${run}-${Date.now()}`];
    const base = memoryConnector as Connector<unknown>;
    const connector = {
      ...base,
      async write(ctx, stream, ops) {
        if ((ctx.config as { system: string }).system !== erp) return base.write!(ctx, stream, ops);
        return hook(ops, () => base.write!(ctx, stream, ops));
      },
    } as Connector<unknown>;
    test = await startTestHub({
      store: await driver.open(),
      queue: createMemoryQueue(),
      connectors: [connector],
      workers: false,
    });
    const { hub } = test;
    for (const [id, system] of [
      ['crm', crm],
      ['erp', erp],
    ] as const)
      await hub.store.connections.save(
        { id, kind: 'memory', name: id, config: { system } },
        memoryConnector.configSchema,
      );
    const source = memorySystem(crm);
    const rename = async (name: string) => {
      source.put('customers', { id: 'C1', name });
      await runSync(hub, { connectionId: 'crm', stream: 'customers' });
    };
    return { hub, rename, sink: memorySystem(erp) };
  }

  it('sends the newest version again when an older one reached the target after it', async () => {
    let releaseSlowWrite = () => {};
    let slowWriteStarted = false;
    const { hub, rename, sink } = await crmToErp(async (ops, write) => {
      if (ops.some((op) => op.record.name === 'Second Name GmbH')) {
        slowWriteStarted = true;
        await new Promise<void>((resolve) => {
          releaseSlowWrite = resolve;
        });
      }
      return write();
    });
    await rename('First Name GmbH');
    const { rows } = await hub.store.db.query<{ canonicalId: string }>(
      `SELECT canonical_id::text AS "canonicalId" FROM xref WHERE connection_id = 'crm' AND external_id = 'C1'`,
    );
    const job: WriteJob = {
      connectionId: 'erp',
      stream: 'customers',
      items: [{ canonicalId: rows[0]!.canonicalId, version: 0 }],
    };
    const write = () =>
      handleWriteJob(hub, job).then(
        () => 'ok',
        (error: HubError) => error.code,
      );
    expect(await write()).toBe('ok');

    // The second version's write is held up on its way; the third is written meanwhile.
    await rename('Second Name GmbH');
    const slow = write();
    await eventually(() => slowWriteStarted);
    await rename('Third Name GmbH');
    expect(await write()).toBe('ok');
    releaseSlowWrite();

    // The older write landed last: its job asks to be tried again, which sends the newest.
    let outcome = await slow;
    for (let retries = 0; outcome !== 'ok' && retries < 3; retries++) outcome = await write();
    expect(outcome).toBe('ok');
    expect(sink.list('customers').map((record) => record.name)).toEqual(['Third Name GmbH']);
  }, 30_000);
});
