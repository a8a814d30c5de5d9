import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ApiFixture, bearer, startApiFixture } from '../../../tests/integration/api-fixture.ts';
import { queueDrivers, storeDrivers } from '../../../tests/support/drivers.ts';

describe.each(storeDrivers())('GET /api/flow-runs status filter on $name', (store) => {
  let fixture: ApiFixture;
  beforeEach(async () => {
    fixture = await startApiFixture({ store, queue: queueDrivers()[0]! });
  });
  afterEach(async () => {
    await fixture.stop();
  });

  it('lists partial runs apart from succeeded ones', async () => {
    const partial = randomUUID();
    const context = { partial: { 'create-orders': { summary: 'not ordered: 1 of 2', undone: [] } } };
    for (const [id, status] of [
      [partial, 'partial'],
      [randomUUID(), 'succeeded'],
    ] as const)
      await fixture.test.hub.store.db.query(
        `INSERT INTO flow_runs (id, flow, run_key, trigger, status, context, finished_at)
         VALUES ($1, 'replenishment', $2, '{"kind":"cron","at":"2026-03-02T06:00"}', $3, $4, now())`,
        [id, `cron:${status}`, status, JSON.stringify(status === 'partial' ? context : {})],
      );
    const response = await request(fixture.app)
      .get('/api/flow-runs')
      .query({ status: 'partial' })
      .set(bearer(fixture.tokens.viewer));
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ total: 1, items: [{ id: partial, status: 'partial', context }] });
  });
});
