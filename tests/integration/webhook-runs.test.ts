import { createHmac } from 'node:crypto';
import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp } from '../../core/api/app.ts';
import type { ChangeEvent, Connector } from '../../core/connector/types.ts';
import { createMemoryQueue } from '../../core/queue/memory-driver.ts';
import { runSync } from '../../core/sync/run-sync.ts';
import { openEmbeddedStore } from '../support/drivers.ts';
import { memoryConnector, memorySystem } from '../support/memory-system.ts';
import { eventually, startTestHub, type TestHub } from '../support/test-hub.ts';

// Webhooks that name a change without its record (as HubSpot's do) ask for a run of the stream.

const SECRET = 'whsec-record-less';
let test: TestHub | undefined;
afterEach(async () => {
  await test?.stop();
  test = undefined;
});

/** Set while a test holds runs up after their first page. */
let gate: Promise<void> | undefined;

/** The memory connector, with webhooks that carry only the id of what changed. */
const recordLess = {
  ...memoryConnector,
  // Reads what the stream held when the run began, as a vendor's query result does.
  async *read(ctx, stream, cursor) {
    const pages = [];
    for await (const page of memoryConnector.read(ctx as never, stream, cursor as never)) pages.push(page);
    for (const page of pages) {
      yield page;
      await gate;
    }
  },
  async webhook(ctx, webhookRequest) {
    const events = (await memoryConnector.webhook!(ctx as never, webhookRequest)) as ChangeEvent[];
    return events.map((event) => ({ ...event, record: undefined }));
  },
} as Connector<unknown>;

async function startHub() {
  test = await startTestHub({
    store: await openEmbeddedStore(),
    queue: createMemoryQueue(),
    connectors: [recordLess],
  });
  const system = `record-less-${Date.now()}-${Math.random()}`;
  await test.hub.store.connections.save(
    { id: 'crm', kind: 'memory', name: 'CRM', config: { system, webhookSecret: SECRET } },
    memoryConnector.configSchema,
  );
  const app = createApp(test.hub);
  const notify = (eventId: string, recordId: string) => {
    const body = JSON.stringify({ events: [{ id: eventId, stream: 'customers', record: { id: recordId } }] });
    const signature = createHmac('sha256', SECRET).update(body).digest('hex');
    return request(app)
      .post('/webhooks/crm')
      .set('Content-Type', 'application/json')
      .set('X-Signature', signature)
      .send(body);
  };
  const held = async (externalId: string) =>
    (await test!.hub.store.db.query('SELECT 1 FROM source_records WHERE external_id = $1', [externalId])).rows
      .length > 0;
  return { hub: test.hub, source: memorySystem(system), notify, held };
}

describe('record-less webhooks', () => {
  it('start a run for a change made right after the run an earlier webhook started', async () => {
    const { source, notify, held } = await startHub();
    source.put('customers', { id: 'K1', name: 'First Change Ltd' });
    expect((await notify('k1', 'K1')).status).toBe(202);
    await eventually(() => held('K1'), 10_000, 'K1 read by the run the webhook asked for');
    source.put('customers', { id: 'K2', name: 'Second Change Ltd' });
    expect((await notify('k2', 'K2')).status).toBe(202);
    await eventually(() => held('K2'), 10_000, 'K2 read by a run of its own');
  }, 30_000);

  it('read the stream again when the change arrived while a run was going', async () => {
    const { hub, source, notify, held } = await startHub();
    source.put('customers', { id: 'A1', name: 'Already There GmbH' });
    // A run is going when the webhook arrives: the run it asks for finds the stream busy.
    let release = () => {};
    gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const running = runSync(hub, { connectionId: 'crm', stream: 'customers' });
    await eventually(() => held('A1'), 10_000, 'the first page written');
    source.put('customers', { id: 'L1', name: 'Late Change Ltd' });
    expect((await notify('l1', 'L1')).status).toBe(202);
    await new Promise((resolve) => setTimeout(resolve, 500));
    release();
    gate = undefined;
    await running;
    await eventually(() => held('L1'), 10_000, 'L1 read by the run asked for after the busy one');
  }, 30_000);
});
