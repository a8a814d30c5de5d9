import { createHmac } from 'node:crypto';
import type { Server } from 'node:http';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listen } from '../../core/runtime/process.ts';
import { processInboundPage } from '../../core/sync/inbound.ts';
import { inboundStreamFor } from '../../core/sync/run-sync.ts';
import { queueDrivers, storeDrivers } from '../support/drivers.ts';
import { expectReconciled } from '../support/fault-checks.ts';
import { memoryConnector, memorySystem } from '../support/memory-system.ts';
import { eventually, hubDriverPairs, startTestHub, type TestHub } from '../support/test-hub.ts';

const SECRET = 'whsec-fault-1234';
const sign = (body: Buffer) => createHmac('sha256', SECRET).update(body).digest('hex');

describe.each(hubDriverPairs(storeDrivers(), queueDrivers()))(
  'duplicate, out-of-order and malformed input on $label',
  ({ store, queue }) => {
    let test: TestHub;
    let server: Server;
    let url: string;
    let sourceName: string;
    beforeAll(async () => {
      test = await startTestHub({ store: await store.open(), queue: queue.open() });
      ({ server, url } = await listen(test.hub, 0));
      sourceName = `webhook-faults-${Date.now()}`;
      await test.hub.store.connections.save(
        { id: 'crm', kind: 'memory', name: 'CRM', config: { system: sourceName, webhookSecret: SECRET } },
        memoryConnector.configSchema,
      );
    });
    afterAll(async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await test.stop();
    });

    const post = (body: Buffer, signature = sign(body)) =>
      fetch(`${url}/webhooks/crm`, {
        method: 'POST',
        body: new Uint8Array(body),
        headers: { 'content-type': 'application/json', 'x-signature': signature },
      });
    const deliver = (events: Array<{ id: string; record: Record<string, unknown> }>) =>
      post(
        Buffer.from(JSON.stringify({ events: events.map((event) => ({ ...event, stream: 'customers' })) })),
      );
    const count = async (sql: string) => (await test.hub.store.db.query<{ n: number }>(sql)).rows[0]!.n;

    it('applies a duplicated delivery once and lets the newest version win over a late older one', async () => {
      const source = memorySystem(sourceName);
      const v1 = source.put('customers', { id: 'H1', name: 'Hook Version One' });
      const v2 = source.put('customers', { id: 'H1', name: 'Hook Version Two' });
      const other = source.put('customers', { id: 'H2', name: 'Hook Other' });
      for (let i = 0; i < 3; i++)
        expect(
          (
            await deliver([
              { id: 'e-2', record: { ...v2 } },
              { id: 'e-3', record: { ...other } },
            ])
          ).status,
        ).toBeLessThan(300);
      await eventually(
        async () =>
          (await count(`SELECT count(*)::int AS n FROM webhook_events WHERE processed_at IS NULL`)) === 0 &&
          (await count('SELECT count(*)::int AS n FROM source_records')) === 2,
      );
      // The older version arrives last, under its own event id.
      expect(
        (await deliver([{ id: 'e-1', record: { ...v1, name: 'Hook Version One' } }])).status,
      ).toBeLessThan(300);
      await eventually(
        async () =>
          (await count(`SELECT count(*)::int AS n FROM webhook_events WHERE processed_at IS NULL`)) === 0,
      );
      expect(await count(`SELECT count(*)::int AS n FROM change_log WHERE operation = 'create'`)).toBe(2);
      const { rows } = await test.hub.store.db.query<{ name: string }>(
        `SELECT body->>'name' AS name FROM golden_records ORDER BY body->>'name'`,
      );
      expect(rows.map((row) => row.name)).toEqual(['Hook Other', 'Hook Version Two']);
      await expectReconciled(test.hub, 'crm', 'customers');
    });

    it('answers malformed webhook bodies with a 4xx and keeps serving', async () => {
      const bodies = fc.oneof(
        fc.json().map((text) => Buffer.from(text)),
        fc.uint8Array({ minLength: 1, maxLength: 200 }).map((bytes) => Buffer.from(bytes)),
        fc.constant(Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0xc3, 0x28, 0x7d])),
        fc
          .record({
            events: fc.array(
              fc.record({
                id: fc.oneof(fc.string(), fc.integer()),
                stream: fc.oneof(fc.constant('customers'), fc.string()),
                record: fc.anything(),
              }),
            ),
          })
          .map((body) => Buffer.from(JSON.stringify(body))),
        fc.constant(
          Buffer.from(
            JSON.stringify({
              events: [
                { id: 'big', stream: 'customers', record: { id: 'BIG', name: 'x'.repeat(2_000_000) } },
              ],
            }),
          ),
        ),
      );
      await fc.assert(
        fc.asyncProperty(bodies, async (body) => {
          const response = await post(body);
          expect(response.status).not.toBe(500);
          expect((await fetch(`${url}/healthz`)).status).toBeLessThan(500);
        }),
        { numRuns: 40 },
      );
      await eventually(
        async () =>
          (await count(`SELECT count(*)::int AS n FROM webhook_events WHERE processed_at IS NULL`)) === 0,
        30_000,
        'webhook events drained',
      );
    }, 120_000);

    it('files malformed records of a read page as failures and writes the rest', async () => {
      const stream = await inboundStreamFor(test.hub, 'crm', 'customers');
      const invalidUtf8 = Buffer.from([0x4e, 0xc3, 0x28, 0xff, 0x6f]).toString('utf8');
      const junk = fc.oneof(
        fc.anything(),
        fc.record({
          id: fc.oneof(fc.string({ minLength: 1 }), fc.integer()),
          name: fc.oneof(
            fc.string(),
            fc.integer(),
            fc.constant(invalidUtf8),
            fc.constant('y'.repeat(100_000)),
            fc.anything(),
          ),
          email: fc.anything(),
        }),
      );
      let page = 0;
      await fc.assert(
        fc.asyncProperty(fc.array(junk, { maxLength: 12 }), async (records) => {
          page++;
          const good = { id: `GOOD-${page}`, name: `Good Record ${page}`, seq: page };
          const outcome = await processInboundPage(stream, { records: [...records, good] });
          expect(outcome.written).toContain(good.id);
          expect(outcome.counts.read).toBe(records.length + 1);
        }),
        { numRuns: 30 },
      );
      expect(
        await count(`SELECT count(*)::int AS n FROM source_records WHERE external_id LIKE 'GOOD-%'`),
      ).toBe(page);
    }, 120_000);
  },
);
