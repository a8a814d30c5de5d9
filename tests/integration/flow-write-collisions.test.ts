import { afterEach, describe, expect, it } from 'vitest';
import '../../core/flow/service.ts';
import type { Connector, WriteOp, WriteResult } from '../../core/connector/types.ts';
import { findFlow } from '../../core/flow/catalog.ts';
import { replayFlowRun } from '../../core/flow/runner.ts';
import { saveFlowSettings } from '../../core/flow/settings.ts';
import { createMemoryQueue } from '../../core/queue/memory-driver.ts';
import { openEmbeddedStore } from '../support/drivers.ts';
import { lookUpThenCreate, memoryConnector, memorySystem } from '../support/memory-system.ts';
import { eventually, startTestHub, type TestHub } from '../support/test-hub.ts';
import { copyTo, putShippedOrder, runFlow, setUpPlant, syncAll } from './flow-fixture.ts';

// Two flows that write the same record at the same time must both keep the sync engine's promises.

type WriteHook = (
  system: string,
  stream: string,
  ops: WriteOp[],
  write: () => Promise<WriteResult[]>,
) => Promise<WriteResult[]>;

const roundTrip = () => new Promise((resolve) => setTimeout(resolve, 40));

let test: TestHub | undefined;
afterEach(async () => {
  await test?.stop();
  test = undefined;
});

/** A plant whose every write passes through `hook`. */
async function hookedPlant(hook: WriteHook, workers: boolean) {
  const hooked = {
    ...memoryConnector,
    write: (ctx, stream, ops) =>
      hook(ctx.config.system, stream, ops, () => memoryConnector.write!(ctx, stream, ops)),
  } as typeof memoryConnector;
  test = await startTestHub({
    store: await openEmbeddedStore(),
    queue: createMemoryQueue(),
    connectors: [hooked as Connector<unknown>],
    workers,
  });
  return { hub: test.hub, ...(await setUpPlant(test.hub)) };
}

describe('two won opportunities of one new customer, run side by side', () => {
  it('create the customer in the ERP once', async () => {
    // ERP customers are created as Odoo creates them: a look-up by hub id, then a create.
    const { hub, crm, erp } = await hookedPlant(async (system, stream, ops, write) => {
      if (stream !== 'customers' || !system.startsWith('erp-')) return write();
      return lookUpThenCreate(memorySystem(system), stream, ops, roundTrip);
    }, true);
    await copyTo(hub, 'crm', 'item');
    for (const name of ['order-status', 'order-to-production'])
      await saveFlowSettings(hub.store.db, findFlow(name), { enabled: false });
    const product = (sku: string) => crm.list('items').find((record) => record.sku === sku)!.id;
    crm.put('customers', { id: 'A-1', name: 'Hengda Auto Parts', currency: 'EUR' });
    for (const [id, sku] of [
      ['O-1', 'GEAR-40'],
      ['O-2', 'SHAFT-12'],
    ])
      crm.put('opportunities', {
        id,
        name: `${sku} for Hengda`,
        accountId: 'A-1',
        stage: 'won',
        currency: 'EUR',
        lines: [{ productId: product(sku!), quantity: 5, unitPrice: 5000 }],
      });
    await syncAll(hub, 'crm', ['customers', 'opportunities']);
    const finished = async () =>
      (
        await hub.store.db.query<{ status: string }>(
          `SELECT status FROM flow_runs WHERE flow = 'lead-to-cash' AND status <> 'running'`,
        )
      ).rows;
    const runs = await eventually(
      async () => ((await finished()).length === 2 ? finished() : undefined),
      30_000,
    );
    expect(runs.map((run) => run.status)).toEqual(['succeeded', 'succeeded']);
    expect(erp.list('customers')).toHaveLength(1);
    const customerId = erp.list('customers')[0]!.id;
    expect(erp.list('sales_orders').map((order) => order.customerId)).toEqual([customerId, customerId]);
  }, 40_000);
});

describe('replenishment and throughput-scoring, fired by the same tick', () => {
  it('both succeed although each wrote the items the other annotated', async () => {
    let scoring: Awaited<ReturnType<typeof runFlow>> | undefined;
    let overlap = false;
    // While replenishment sends its work orders, throughput-scoring runs on the other flow slot.
    const { hub, erp } = await hookedPlant(async (_system, stream, _ops, write) => {
      if (overlap && stream === 'work_orders' && !scoring) scoring = await runFlow(hub, 'throughput-scoring');
      return write();
    }, false);
    putShippedOrder(erp, [{ itemId: 'I-SHAFT', quantity: 300 }]);
    erp.put('stock_levels', { id: 'Q-1', itemId: 'I-SHAFT', location: 'WH1', onHand: 20, allocated: 5 });
    await syncAll(hub, 'erp', ['customers', 'sales_orders', 'stock_levels']);
    await copyTo(hub, 'crm', 'item');
    overlap = true;
    const replenishment = await runFlow(hub, 'replenishment', { key: 'cron:06:00' });
    overlap = false;
    expect(scoring?.status).toBe('succeeded');
    expect(replenishment.error ?? null).toBeNull();
    expect(replenishment.status).toBe('succeeded');
  }, 40_000);

  it('replays a run whose recorded item versions a later run has overtaken', async () => {
    const { hub, crm, erp } = await hookedPlant((_system, _stream, _ops, write) => write(), false);
    erp.put('stock_levels', { id: 'Q-1', itemId: 'I-SHAFT', location: 'WH1', onHand: 20, allocated: 5 });
    await syncAll(hub, 'erp', ['stock_levels']);
    await copyTo(hub, 'crm', 'item');
    crm.faults.push({ status: 500 });
    const replenishment = await runFlow(hub, 'replenishment', { key: 'cron:06:00' });
    expect(replenishment.error).toMatch(/^push-to-crm: /);
    // The next hourly scoring annotates the same items and writes their newer versions to the CRM.
    expect((await runFlow(hub, 'throughput-scoring')).status).toBe('succeeded');
    const replayed = await replayFlowRun(hub, findFlow('replenishment'), replenishment.id);
    expect(replayed.error ?? null).toBeNull();
    expect(replayed.status).toBe('succeeded');
  }, 40_000);
});
