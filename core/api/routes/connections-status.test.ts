import { createHmac } from 'node:crypto';
import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { type ApiFixture, bearer, startApiFixture } from '../../../tests/integration/api-fixture.ts';
import { canonicalIdOf } from '../../../tests/integration/flow-fixture.ts';
import { queueDrivers, storeDrivers } from '../../../tests/support/drivers.ts';
import { memoryConnector, memorySystem } from '../../../tests/support/memory-system.ts';
import { eventually, hubDriverPairs } from '../../../tests/support/test-hub.ts';
import { HubError } from '../../errors/index.ts';
import type { Hub } from '../../runtime/hub.ts';
import { startWorkers } from '../../runtime/worker.ts';
import { runSync } from '../../sync/run-sync.ts';
import { drainWebhookEvents } from '../../sync/webhooks.ts';
import { writeQueueName } from '../../sync/write-targets.ts';

// An admin pauses a connection (an ERP's maintenance window) and resumes it: meanwhile no run of
// it starts, and what is meant for it (writes routed to it, webhook events it sends) waits and is
// taken up after the resume: nothing is lost.

const ERP_SECRET = 'whsec-erp-status-secret-9';

let fixture: ApiFixture | undefined;
let workers: { stop(): Promise<void> } | undefined;
afterEach(async () => {
  await workers?.stop();
  workers = undefined;
  await fixture?.stop();
  fixture = undefined;
});

const as = (role: 'viewer' | 'operator' | 'admin') => bearer(fixture!.tokens[role]);
const api = () => request(fixture!.app);

async function auditOf(action: string) {
  const { rows } = await fixture!.test.hub.store.db.query<{
    actor: string;
    target: string;
    details: Record<string, unknown>;
  }>('SELECT actor, target, details FROM audit_log WHERE action = $1 ORDER BY id', [action]);
  return rows;
}

/** An ERP that takes the CRM's customers and sends webhooks of its own. */
async function saveErp() {
  const erp = memorySystem(`status-erp-${Date.now()}-${Math.random()}`);
  await fixture!.test.hub.store.connections.save(
    {
      id: 'erp',
      kind: 'memory',
      name: 'ERP',
      config: { system: erp.name, webhookSecret: ERP_SECRET },
      options: { push: ['customers'] },
    },
    memoryConnector.configSchema,
  );
  return erp;
}

function postErpWebhook(eventId: string, record: Record<string, unknown>) {
  const body = JSON.stringify({ events: [{ id: eventId, stream: 'customers', record }] });
  const signature = createHmac('sha256', ERP_SECRET).update(body).digest('hex');
  return api()
    .post('/webhooks/erp')
    .set('Content-Type', 'application/json')
    .set('X-Signature', signature)
    .send(body);
}

async function webhookEventProcessed(hub: Hub, eventId: string): Promise<boolean> {
  const { rows } = await hub.store.db.query(
    `SELECT 1 FROM webhook_events WHERE connection_id = 'erp' AND event_id = $1 AND processed_at IS NOT NULL`,
    [eventId],
  );
  return rows.length === 1;
}

describe.each(storeDrivers())('pausing and resuming a connection on $name', (store) => {
  it('is for admins only, and each pause and resume is audited', async () => {
    fixture = await startApiFixture({ store, queue: queueDrivers()[0]! });
    for (const role of ['viewer', 'operator'] as const) {
      const refused = await api().post('/api/connections/crm/pause').set(as(role)).send({});
      expect(refused.status).toBe(403);
      expect(refused.body.error.code).toBe('role_too_low');
      expect((await api().post('/api/connections/crm/resume').set(as(role)).send({})).status).toBe(403);
    }
    expect(
      (
        await api()
          .post('/api/connections/crm/pause')
          .set(as('admin'))
          .send({ reason: 'x'.repeat(501) })
      ).status,
    ).toBe(400);
    expect((await api().post('/api/connections/nobody/pause').set(as('admin')).send({})).status).toBe(404);

    const paused = await api()
      .post('/api/connections/crm/pause')
      .set(as('admin'))
      .send({ reason: 'ERP maintenance until 18:00' });
    expect(paused.status).toBe(200);
    expect(paused.body).toMatchObject({ status: 'disabled', statusMessage: 'ERP maintenance until 18:00' });
    const resumed = await api().post('/api/connections/crm/resume').set(as('admin')).send({});
    expect(resumed.status).toBe(200);
    expect(resumed.body).toMatchObject({ status: 'active', statusMessage: null });

    expect(await auditOf('connection.pause')).toEqual([
      {
        actor: 'admin@example.com',
        target: 'crm',
        details: expect.objectContaining({ reason: 'ERP maintenance until 18:00', previousStatus: 'active' }),
      },
    ]);
    expect(await auditOf('connection.resume')).toEqual([
      {
        actor: 'admin@example.com',
        target: 'crm',
        details: expect.objectContaining({ previousStatus: 'disabled' }),
      },
    ]);
  });

  it('answers and audits a resume whose waiting work the queue could not take, naming what failed', async () => {
    fixture = await startApiFixture({ store, queue: queueDrivers()[0]! });
    await api()
      .post('/api/connections/crm/pause')
      .set(as('admin'))
      .send({ reason: 'ERP upgrade' })
      .expect(200);
    const { queue } = fixture.test.hub;
    const add = queue.add.bind(queue);
    queue.add = async () => {
      throw new HubError('transient', 'redis_unavailable', 'connect ECONNREFUSED 127.0.0.1:6379');
    };
    const resumed = await api().post('/api/connections/crm/resume').set(as('admin')).send({});
    queue.add = add;
    expect(resumed.status).toBe(200);
    expect(resumed.body).toMatchObject({
      status: 'active',
      takeUpFailed: expect.stringMatching(/ECONNREFUSED.*resume again/),
    });
    expect(await auditOf('connection.resume')).toEqual([
      {
        actor: 'admin@example.com',
        target: 'crm',
        details: expect.objectContaining({ previousStatus: 'disabled', takeUpFailed: expect.any(String) }),
      },
    ]);
    // Asked again with the queue back: the waiting work is queued.
    const again = await api().post('/api/connections/crm/resume').set(as('admin')).send({});
    expect(again.body).toMatchObject({ status: 'active', runsRequested: [] });
  });

  it('ends needs_reauthorization on a check that passes and on new credentials, not on a rename', async () => {
    fixture = await startApiFixture({ store, queue: queueDrivers()[0]! });
    const { connections } = fixture.test.hub.store;
    const status = async () => (await connections.get('crm')).status;
    await connections.markNeedsReauthorization('crm', 'API key deleted');
    const check = await api().post('/api/connections/crm/check').set(as('operator')).send({});
    expect(check.body.ok).toBe(true);
    expect(await status()).toBe('active');

    await connections.markNeedsReauthorization('crm', 'API key deleted');
    const { config } = await connections.get('crm');
    const edit = (changes: Record<string, unknown>) =>
      api()
        .put('/api/connections/crm')
        .set(as('admin'))
        .send({ name: 'CRM', config: { system: config.system, ...changes } });
    expect((await edit({})).status).toBe(200);
    expect(await status()).toBe('needs_reauthorization');
    expect((await edit({ webhookSecret: 'whsec-a-new-secret-2' })).status).toBe(200);
    expect(await status()).toBe('active');
  });
});

describe.each(hubDriverPairs(storeDrivers(), queueDrivers()))(
  'a paused connection on $label',
  ({ store, queue }) => {
    it('refuses its runs, keeps its writes and webhook events waiting, and takes them up once resumed', async () => {
      fixture = await startApiFixture({ store, queue, workers: false });
      const { hub } = fixture.test;
      const erp = await saveErp();
      const crm = memorySystem((await hub.store.connections.get('crm')).config.system as string);
      await api()
        .post('/api/connections/erp/pause')
        .set(as('admin'))
        .send({ reason: 'ERP upgrade' })
        .expect(200);
      workers = await startWorkers(hub);

      const run = await api()
        .post('/api/connections/erp/streams/customers/sync')
        .set(as('operator'))
        .send({});
      expect(run.status).toBe(409);
      expect(run.body.error).toMatchObject({
        code: 'connection_paused',
        message: 'Connection "erp" is paused (ERP upgrade); resume it to run its streams',
      });

      // A CRM change is routed to the paused ERP: its write waits in the ERP's queue.
      crm.put('customers', { id: 'C1', name: 'Hengda Auto Parts' });
      await runSync(hub, { connectionId: 'crm', stream: 'customers' });
      await eventually(
        async () => (await hub.queue.counts(writeQueueName('erp'))).waiting >= 1,
        10_000,
        'the write to wait in the paused connection’s queue',
      );
      // The ERP's webhook events are taken in, and wait.
      const intake = await postErpWebhook('erp-ev-1', { id: 'E1', name: 'Qingdao Foundry' });
      expect(intake.status).toBe(202);
      expect(intake.body).toMatchObject({ accepted: 1 });
      expect((await drainWebhookEvents(hub, 'erp')).read).toBe(0);
      expect(await webhookEventProcessed(hub, 'erp-ev-1')).toBe(false);
      expect(erp.list('customers')).toEqual([]);

      const resumed = await api().post('/api/connections/erp/resume').set(as('admin')).send({});
      expect(resumed.status).toBe(200);
      await eventually(
        () => erp.list('customers').some((record) => record.name === 'Hengda Auto Parts'),
        15_000,
        'the waiting write',
      );
      await eventually(() => webhookEventProcessed(hub, 'erp-ev-1'), 15_000, 'the waiting webhook event');
      expect(await canonicalIdOf(hub, 'customer', 'erp', 'E1')).toBeTruthy();
      const { rows } = await hub.store.db.query(`SELECT 1 FROM failed_syncs WHERE connection_id = 'erp'`);
      expect(rows).toEqual([]);
    });
  },
);
