import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../core/api/app.ts';
import { loadEnv } from '../../core/config/env.ts';
import { type Hub, openHub } from '../../core/runtime/hub.ts';
import { queueDrivers, storeDrivers } from '../support/drivers.ts';

describe.each(
  storeDrivers().map((store, index) => ({ store, queue: queueDrivers()[index] ?? queueDrivers()[0]! })),
)('api skeleton on $store.name + $queue.name', ({ store, queue }) => {
  let hub: Hub;
  beforeAll(async () => {
    hub = await openHub(loadEnv({}), { store: await store.open(), queue: queue.open() });
  });
  afterAll(async () => {
    await hub.close();
  });

  it('answers health, readiness and metrics', async () => {
    const app = createApp(hub);
    expect((await request(app).get('/healthz')).status).toBe(200);
    const ready = await request(app).get('/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body).toMatchObject({ status: 'ready', store: { ok: true }, queue: { ok: true } });
    const metrics = await request(app).get('/metrics');
    expect(metrics.text).toContain('process_cpu_user_seconds_total');
  });

  it('returns JSON errors with a code, a message and the request id', async () => {
    const response = await request(app()).get('/api/nothing-here').set('X-Request-Id', 'req-123');
    expect(response.status).toBe(401);
    expect(response.body.error).toMatchObject({
      code: expect.any(String),
      message: expect.any(String),
      details: { requestId: 'req-123' },
    });
    const badJson = await request(app())
      .post('/api/toc/mix')
      .set('Content-Type', 'application/json')
      .send('{"oops":');
    expect(badJson.status).toBe(400);
    expect(badJson.body.error.code).toBe('invalid_json');
  });

  function app() {
    return createApp(hub);
  }
});
