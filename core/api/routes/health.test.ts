import express from 'express';
import request from 'supertest';
import { afterAll, describe, expect, it } from 'vitest';
import { openQueue } from '../../queue/index.ts';
import { healthRoutes } from './health.ts';

const answeringDb = { driver: 'postgres' as const, query: async () => ({ rows: [], rowCount: 1 }) };

describe('readiness', () => {
  // Nothing listens on port 1: the BullMQ client keeps reconnecting and its commands wait forever.
  const unreachableRedis = openQueue({ redisUrl: 'redis://127.0.0.1:1', prefix: 'thub-health-test' });
  afterAll(() => unreachableRedis.close());

  it('answers 503 naming the queue when Redis is unreachable, instead of waiting for it', async () => {
    const app = express().use(healthRoutes({ store: { db: answeringDb }, queue: unreachableRedis }, 300));
    const started = Date.now();
    const response = await request(app).get('/readyz');
    expect(response.status).toBe(503);
    expect(response.body).toMatchObject({
      status: 'not_ready',
      store: { ok: true },
      queue: { driver: 'bullmq', ok: false },
    });
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('answers 503 naming the store when its query hangs', async () => {
    const hangingDb = { driver: 'postgres' as const, query: () => new Promise<never>(() => {}) };
    const queue = { driver: 'memory' as const, ping: async () => true };
    const response = await request(express().use(healthRoutes({ store: { db: hangingDb }, queue }, 100))).get(
      '/readyz',
    );
    expect(response.status).toBe(503);
    expect(response.body).toMatchObject({ store: { ok: false }, queue: { ok: true } });
  });

  it('is ready when both answer', async () => {
    const queue = { driver: 'memory' as const, ping: async () => true };
    const response = await request(express().use(healthRoutes({ store: { db: answeringDb }, queue }))).get(
      '/readyz',
    );
    expect(response.status).toBe(200);
    expect(response.body.status).toBe('ready');
  });

  it('leaves one unanswered check behind however many probes come during an outage', async () => {
    let pings = 0;
    let redisUp = false;
    let answer!: (value: boolean) => void;
    const queue = {
      driver: 'bullmq' as const,
      ping: () => {
        pings++;
        if (redisUp) return Promise.resolve(true);
        return new Promise<boolean>((resolve) => {
          answer = resolve;
        });
      },
    };
    const app = express().use(healthRoutes({ store: { db: answeringDb }, queue }, 50));
    for (let probe = 0; probe < 3; probe++) expect((await request(app).get('/readyz')).status).toBe(503);
    expect(pings).toBe(1);
    // Redis is back: the queued PING answers, and the next probe asks again and is ready.
    redisUp = true;
    answer(true);
    await new Promise((resolve) => setImmediate(resolve));
    expect((await request(app).get('/readyz')).status).toBe(200);
    expect(pings).toBe(2);
  });
});
