import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Queryable } from '../../core/store/db.ts';
import { startRun } from '../../core/sync/runs.ts';
import { queueDrivers, storeDrivers } from '../support/drivers.ts';
import { type ApiFixture, bearer, startApiFixture } from './api-fixture.ts';

const DAY_MS = 86_400_000;

async function runningRun(db: Queryable, stream: string, lease: 'live' | 'expired'): Promise<string> {
  await db.query(
    `INSERT INTO stream_locks (connection_id, stream, owner, expires_at) VALUES ('crm', $1, 'a worker', now() + $2 * interval '1 second')`,
    [stream, lease === 'live' ? 3600 : -1],
  );
  return startRun(db, { connectionId: 'crm', stream, mode: 'incremental' });
}

describe.each(storeDrivers())('runs of a process that stopped ($name)', (store) => {
  let api: ApiFixture;
  let db: Queryable;
  const get = (path: string) => request(api.app).get(path).set(bearer(api.tokens.viewer));
  beforeAll(async () => {
    api = await startApiFixture({ store, queue: queueDrivers()[0]! });
    db = api.test.hub.store.db;
  });
  afterAll(async () => {
    await api?.stop();
  });

  it('shows a running run whose stream lease expired as abandoned', async () => {
    const id = await runningRun(db, 'customers', 'expired');
    const one = await get(`/api/runs/${id}`);
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({ status: 'abandoned', statusReason: 'the process running it stopped' });
    expect(one.body.finishedAt).not.toBeNull();
    const list = await get('/api/runs?status=running');
    expect(list.body.items.map((run: { id: string }) => run.id)).not.toContain(id);
  });

  it('keeps a run whose lease is live running', async () => {
    const id = await runningRun(db, 'contacts', 'live');
    const list = await get('/api/runs');
    expect(list.body.items.find((run: { id: string }) => run.id === id)).toMatchObject({
      status: 'running',
      finishedAt: null,
    });
  });

  it('lists a run that has been running for 25 days, with its duration as a number', async () => {
    const id = await runningRun(db, 'items', 'live');
    await db.query(`UPDATE sync_runs SET started_at = started_at - interval '25 days' WHERE id = $1`, [id]);
    const list = await get('/api/runs');
    expect(list.status).toBe(200);
    const run = list.body.items.find((item: { id: string }) => item.id === id);
    expect(typeof run.durationMs).toBe('number');
    expect(run.durationMs).toBeGreaterThanOrEqual(25 * DAY_MS);
    expect((await get(`/api/runs/${id}`)).body.durationMs).toBeGreaterThanOrEqual(25 * DAY_MS);
  });
});
