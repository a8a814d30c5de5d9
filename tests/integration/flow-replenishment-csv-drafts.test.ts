import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findFlow } from '../../core/flow/catalog.ts';
import type { FlowRunView } from '../../core/flow/runner.ts';
import { saveFlowSettings } from '../../core/flow/settings.ts';
import { createMemoryQueue } from '../../core/queue/memory-driver.ts';
import { storeDrivers } from '../support/drivers.ts';
import type { MemorySystem } from '../support/memory-system.ts';
import { startTestHub, type TestHub } from '../support/test-hub.ts';
import { runFlow, setUpPlant, syncAll, syncReplenishmentHistory } from './flow-fixture.ts';

interface DraftRow {
  id: string;
  status: string;
  received: { value: number } | null;
}

describe.each(storeDrivers())('replenishment CSV drafts on $name', (store) => {
  let test: TestHub;
  let erp: MemorySystem;
  beforeEach(async () => {
    test = await startTestHub({ store: await store.open(), queue: createMemoryQueue(), workers: false });
    ({ erp } = await setUpPlant(test.hub));
    // A month of usage (600 bolts shipped ten days ago), 10 bolts left, nothing on order.
    await syncReplenishmentHistory(
      test.hub,
      erp,
      [{ itemId: 'I-BOLT', quantity: 600 }],
      [{ id: 'Q-2', itemId: 'I-BOLT', location: 'WH1', onHand: 10 }],
    );
    await saveFlowSettings(test.hub.store.db, findFlow('replenishment'), {
      settings: { purchaseTarget: 'csv', csvFolder: mkdtempSync(join(tmpdir(), 'thub-csv-drafts-')) },
    });
  });
  afterEach(async () => test.stop());

  const csvLines = (run: FlowRunView) => {
    const { csv } = run.steps.find((step) => step.step === 'create-orders')!.output as { csv: string };
    return readFileSync(csv, 'utf8').trim().split('\n');
  };
  const boltLine = (run: FlowRunView) => csvLines(run).find((line) => line.startsWith('BOLT-M8,'));
  const orderedBolts = (run: FlowRunView) => Number(boltLine(run)!.split(',')[2]);

  async function boltStock(onHand: number) {
    erp.put('stock_levels', { id: 'Q-2', itemId: 'I-BOLT', location: 'WH1', onHand });
    await syncAll(test.hub, 'erp', ['stock_levels']);
  }

  async function hubDrafts(): Promise<DraftRow[]> {
    const { rows } = await test.hub.store.db.query<DraftRow>(
      `SELECT id, body->>'status' AS status, body->'lines'->0->'receivedQuantity' AS received
       FROM golden_records WHERE entity = 'purchase_order' AND source_system = 'flow:replenishment'
       ORDER BY created_at`,
    );
    return rows;
  }

  it('puts the id of the hub draft at the end of each CSV line', async () => {
    const run = await runFlow(test.hub, 'replenishment', { key: 'cron:day-1' });
    expect(run.status).toBe('succeeded');
    const [header, line] = csvLines(run);
    expect(header).toBe('sku,supplierId,quantity,uom,promisedDate,purchaseOrderId');
    const [draft] = await hubDrafts();
    expect(line).toMatch(/^BOLT-M8,[0-9a-f-]{36},\d+(\.\d+)?,pcs,\d{4}-\d{2}-\d{2},/);
    expect(line!.split(',')[5]).toBe(draft!.id);
  });

  it('orders an item again once the goods of its CSV draft have arrived and been used up', async () => {
    const first = await runFlow(test.hub, 'replenishment', { key: 'cron:first' });
    expect(first.status).toBe('succeeded');
    const ordered = orderedBolts(first);
    expect(ordered).toBeGreaterThan(0);

    // The supplier delivers; the bolts then go into assemblies and stock is back at 10.
    await boltStock(10 + ordered);
    await boltStock(10);
    const second = await runFlow(test.hub, 'replenishment', { key: 'cron:second' });
    expect(second.status).toBe('succeeded');

    const [firstDraft, secondDraft] = await hubDrafts();
    expect(firstDraft).toMatchObject({ status: 'received', received: { value: ordered } });
    expect(secondDraft).toMatchObject({ status: 'draft', received: null });
    expect(boltLine(second)!.split(',').slice(0, 5)).toEqual(boltLine(first)!.split(',').slice(0, 5));
  });

  it('keeps counting a CSV draft as supply for what has not arrived yet', async () => {
    const first = await runFlow(test.hub, 'replenishment', { key: 'cron:first' });
    const ordered = orderedBolts(first);
    // All but one bolt of the delivery comes in.
    await boltStock(10 + ordered - 1);
    const second = await runFlow(test.hub, 'replenishment', { key: 'cron:second' });
    expect(second.status).toBe('succeeded');
    expect(await hubDrafts()).toMatchObject([{ status: 'draft', received: { value: ordered - 1 } }]);
    expect(boltLine(second)).toBeUndefined();
  });
});
