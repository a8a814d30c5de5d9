import { createServer, type Server } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listAlerts } from '../../core/flow/alerts.ts';
import { findFlow } from '../../core/flow/catalog.ts';
import { replayFlowRun } from '../../core/flow/runner.ts';
import { saveFlowSettings } from '../../core/flow/settings.ts';
import { queueDrivers, storeDrivers } from '../support/drivers.ts';
import type { MemorySystem } from '../support/memory-system.ts';
import { hubDriverPairs, startTestHub, type TestHub } from '../support/test-hub.ts';
import { runFlow, setUpPlant, syncAll } from './flow-fixture.ts';

const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString().slice(0, 10);

describe.each(hubDriverPairs(storeDrivers(), queueDrivers()))(
  'supplier performance on $label',
  ({ store, queue }) => {
    let test: TestHub;
    let erp: MemorySystem;
    let server: Server;
    let url: string;
    let answer = 200;
    const received: unknown[] = [];
    beforeEach(async () => {
      test = await startTestHub({ store: await store.open(), queue: queue.open(), workers: false });
      ({ erp } = await setUpPlant(test.hub));
      received.length = 0;
      answer = 200;
      server = createServer((req, res) => {
        let body = '';
        req.on('data', (chunk) => (body += chunk));
        req.on('end', () => {
          if (answer === 200) received.push(JSON.parse(body));
          res.writeHead(answer).end();
        });
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      url = `http://127.0.0.1:${(server.address() as { port: number }).port}/alerts`;
      erp.put('suppliers', { id: 'V-1', name: 'Reliable Castings' });
      erp.put('suppliers', { id: 'V-2', name: 'Late Forgings' });
      erp.put('suppliers', { id: 'V-3', name: 'Mostly Bolts' });
      const line = (promised: number, received: number | undefined, quantity = 100, got = quantity) => ({
        itemId: 'I-BOLT',
        quantity,
        promisedDate: daysAgo(promised),
        ...(received === undefined ? {} : { receivedDate: daysAgo(received), receivedQuantity: got }),
      });
      // V-1: 4 of 4 on time in full; V-2: 2 of 4 (one late, one short); V-3: 9 of 10 (one not received yet).
      erp.put('purchase_orders', {
        id: 'P-1',
        supplierId: 'V-1',
        status: 'received',
        orderDate: daysAgo(60),
        currency: 'EUR',
        lines: [line(30, 31), line(20, 20), line(10, 12), line(5, 6)],
      });
      erp.put('purchase_orders', {
        id: 'P-2',
        supplierId: 'V-2',
        status: 'received',
        orderDate: daysAgo(60),
        currency: 'EUR',
        lines: [line(30, 25), line(20, 21), line(10, 12, 100, 80), line(5, 6)],
      });
      erp.put('purchase_orders', {
        id: 'P-3',
        supplierId: 'V-3',
        status: 'confirmed',
        orderDate: daysAgo(60),
        currency: 'EUR',
        lines: [...Array.from({ length: 9 }, (_, i) => line(40 - i, 41 - i)), line(3, undefined)],
      });
      await syncAll(test.hub, 'erp', ['suppliers', 'purchase_orders']);
    });
    afterEach(async () => {
      await test.stop();
      await new Promise((resolve) => server.close(resolve));
    });

    it('measures OTIF per supplier and posts yellow and red alerts to the webhook, listed for the UI', async () => {
      await saveFlowSettings(test.hub.store.db, findFlow('supplier-performance'), {
        settings: { webhookUrl: url },
      });
      const run = await runFlow(test.hub, 'supplier-performance');
      expect(run.status).toBe('succeeded');
      const { suppliers } = run.steps[0]!.output as {
        suppliers: Array<{ supplier: string; otifPct: number; level: string }>;
      };
      expect(suppliers.map(({ supplier, otifPct, level }) => ({ supplier, otifPct, level }))).toEqual([
        { supplier: 'Late Forgings', otifPct: 50, level: 'red' },
        { supplier: 'Mostly Bolts', otifPct: 90, level: 'yellow' },
        { supplier: 'Reliable Castings', otifPct: 100, level: 'green' },
      ]);
      expect(received).toHaveLength(1);
      expect(received[0]).toMatchObject({
        flow: 'supplier-performance',
        runId: run.id,
        alerts: [
          { subject: 'Late Forgings', level: 'red', otifPct: 50 },
          { subject: 'Mostly Bolts', level: 'yellow', otifPct: 90 },
        ],
      });
      const { items } = await listAlerts(
        test.hub.store.db,
        { flow: 'supplier-performance' },
        { limit: 10, offset: 0 },
      );
      expect(items.map((alert) => [alert.subject, alert.level, alert.delivery]).sort()).toEqual([
        ['Late Forgings', 'red', 'delivered'],
        ['Mostly Bolts', 'yellow', 'delivered'],
      ]);
    });

    it('fails the delivery step when the webhook refuses and delivers once on replay', async () => {
      await saveFlowSettings(test.hub.store.db, findFlow('supplier-performance'), {
        settings: { webhookUrl: url },
      });
      answer = 503;
      const run = await runFlow(test.hub, 'supplier-performance');
      expect(run).toMatchObject({ status: 'failed', error: expect.stringContaining('deliver-webhook') });
      expect(
        (await listAlerts(test.hub.store.db, {}, { limit: 10, offset: 0 })).items.every(
          (alert) => alert.delivery === 'failed',
        ),
      ).toBe(true);
      answer = 200;
      const replayed = await replayFlowRun(test.hub, findFlow('supplier-performance'), run.id);
      expect(replayed.status).toBe('succeeded');
      expect(received).toHaveLength(1);
      expect((await listAlerts(test.hub.store.db, {}, { limit: 10, offset: 0 })).total).toBe(2);
    });
  },
);
