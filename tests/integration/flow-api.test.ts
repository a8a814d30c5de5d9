import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { insertRun, parkRun } from '../../core/flow/run-store.ts';
import { queueDrivers, storeDrivers } from '../support/drivers.ts';
import { type MemorySystem, memoryConnector } from '../support/memory-system.ts';
import { hubDriverPairs } from '../support/test-hub.ts';
import { type ApiFixture, bearer, startApiFixture } from './api-fixture.ts';
import { copyTo, setUpPlant, syncAll } from './flow-fixture.ts';

const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

describe.each(hubDriverPairs(storeDrivers(), queueDrivers()))(
  'flow and TOC service API on $label',
  ({ store, queue }) => {
    let api: ApiFixture;
    let crm: MemorySystem;
    let erp: MemorySystem;
    beforeEach(async () => {
      api = await startApiFixture({ store, queue });
      ({ crm, erp } = await setUpPlant(api.test.hub));
      erp.put('customers', { id: 'E-1', name: 'Dalian Pumps', currency: 'EUR' });
      erp.put('sales_orders', {
        id: 'S-1',
        number: 'SO-1',
        customerId: 'E-1',
        status: 'confirmed',
        orderDate: inDays(0),
        currency: 'EUR',
        lines: [{ itemId: 'I-GEAR', quantity: 20, dueDate: inDays(15) }],
      });
      erp.put('work_orders', {
        id: 'W-1',
        number: 'WO-7',
        itemId: 'I-GEAR',
        quantity: 20,
        salesOrderId: 'S-1',
        status: 'released',
        dueDate: inDays(2),
      });
      await syncAll(api.test.hub, 'erp', ['customers', 'sales_orders', 'work_orders']);
    });
    afterEach(async () => {
      await api.stop();
    });

    it('computes the TOC boards from the synced data', async () => {
      const viewer = bearer(api.tokens.viewer);
      const list = await request(api.app).get('/api/toc/services').set(viewer);
      expect(list.body.items.map((item: { name: string }) => item.name)).toEqual([
        'buffers',
        'drum-schedule',
        'quote',
        'supplier-performance',
        'throughput',
        'time-buffers',
      ]);
      const drum = await request(api.app)
        .get('/api/toc/services/drum-schedule')
        .query({ shippingBufferDays: 2 })
        .set(viewer);
      expect(drum.status).toBe(200);
      expect(drum.body.result.constraint).toBe('HEAT');
      expect(drum.body.result.orders).toMatchObject([{ id: 'SO-1', dueDate: inDays(15) }]);
      expect(drum.body.input.shippingBufferDays).toBe(2);
      const timeBuffers = await request(api.app).get('/api/toc/services/time-buffers').set(viewer);
      expect(timeBuffers.body.result.orders).toMatchObject([{ id: 'WO-7' }]);
      const quote = await request(api.app)
        .post('/api/toc/services/quote')
        .set(bearer(api.tokens.admin))
        .send({ orders: [{ id: 'ASK-1', lines: [{ itemId: drum.body.refs['GEAR-40'], quantity: 50 }] }] });
      expect(quote.status).toBe(200);
      // The open order: 20 min setup + 20 × 4 min on HEAT.
      expect(quote.body.input.plannedLoadHours).toBe(1.6667);
      expect(quote.body.result.orders[0].quotedDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      const bad = await request(api.app)
        .get('/api/toc/services/drum-schedule')
        .query({ asOf: '2026-02-30' })
        .set(viewer);
      expect(bad.status).toBe(400);
      expect(bad.body.error.message).toContain('asOf');
    });

    it('lists the runs that wait for a record another flow is creating', async () => {
      const db = api.test.hub.store.db;
      const lease = { holder: 'test-worker', ms: 60_000 };
      const trigger = { kind: 'manual' as const, params: {} };
      const run = await insertRun(
        db,
        { id: randomUUID(), flow: 'order-to-production', key: 'o-1', trigger },
        lease,
      );
      expect(await parkRun(db, run!.id, lease, 60_000, {})).toBe(true);
      const listed = await request(api.app)
        .get('/api/flow-runs')
        .query({ status: 'waiting' })
        .set(bearer(api.tokens.viewer));
      expect(listed.status, JSON.stringify(listed.body)).toBe(200);
      expect(listed.body).toMatchObject({ total: 1, items: [{ id: run!.id, status: 'waiting' }] });
    });

    it('lists flows, runs one, shows its steps and refuses to replay a run that succeeded', async () => {
      await api.test.hub.store.connections.save(
        { id: 'crm', kind: 'memory', name: 'CRM', config: { system: crm.name }, options: { role: 'crm' } },
        memoryConnector.configSchema,
      );
      await copyTo(api.test.hub, 'crm', 'item');
      const admin = bearer(api.tokens.admin);
      const flows = await request(api.app).get('/api/flows').set(bearer(api.tokens.viewer));
      expect(flows.status, JSON.stringify(flows.body)).toBe(200);
      expect(flows.body.items.map((flow: { name: string }) => flow.name)).toContain('lead-to-cash');
      const run = await request(api.app).post('/api/flows/throughput-scoring/run').set(admin).send({});
      expect(run.body).toMatchObject({ flow: 'throughput-scoring', status: 'succeeded' });
      const listed = await request(api.app)
        .get('/api/flow-runs')
        .query({ flow: 'throughput-scoring' })
        .set(bearer(api.tokens.viewer));
      expect(listed.body).toMatchObject({ total: 1, items: [{ id: run.body.id, status: 'succeeded' }] });
      const detail = await request(api.app)
        .get(`/api/flow-runs/${run.body.id}`)
        .set(bearer(api.tokens.viewer));
      expect(
        detail.body.steps.map((step: { step: string; status: string }) => `${step.step}:${step.status}`),
      ).toEqual(['score:done', 'annotate:done', 'write-to-crm:done']);
      const replay = await request(api.app).post(`/api/flow-runs/${run.body.id}/replay`).set(admin);
      expect(replay.status).toBe(409);
      const settings = await request(api.app)
        .put('/api/flows/supplier-performance/settings')
        .set(admin)
        .send({ settings: { greenPct: 'high' } });
      expect(settings.status).toBe(400);
      expect(settings.body.error.message).toContain('greenPct');
    });
  },
);
