import request from 'supertest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { queueDrivers, storeDrivers } from '../support/drivers.ts';
import { type ApiFixture, bearer, startApiFixture } from './api-fixture.ts';

describe.each(storeDrivers())('connection health through the API on $name', (store) => {
  let fixture: ApiFixture;
  beforeEach(async () => {
    fixture = await startApiFixture({ store, queue: queueDrivers()[0]! });
  });
  afterEach(async () => {
    await fixture.stop();
  });

  const addRun = (stream: string, status: string, reason: string | null, minutesAgo: number) =>
    fixture.test.hub.store.db.query(
      `INSERT INTO sync_runs (id, connection_id, stream, mode, status, status_reason, started_at, finished_at)
       VALUES (gen_random_uuid(), 'crm', $1, 'incremental', $2, $3,
               now() - $4 * interval '1 minute', now() - $4 * interval '1 minute')`,
      [stream, status, reason, minutesAgo],
    );

  it("shows each stream's last run with its reason, and the connection's last run of all", async () => {
    await addRun('customers', 'succeeded', null, 3);
    await addRun('customers', 'partial', 'quota', 2);
    await addRun('contacts', 'failed', 'connection refused', 1);

    const list = await request(fixture.app).get('/api/connections').set(bearer(fixture.tokens.viewer));
    const crm = list.body.items.find((item: { id: string }) => item.id === 'crm');
    const one = await request(fixture.app).get('/api/connections/crm').set(bearer(fixture.tokens.viewer));
    for (const health of [crm.health, one.body.health]) {
      expect(health.streams.customers).toMatchObject({ status: 'partial', statusReason: 'quota' });
      expect(health.streams.contacts).toMatchObject({ status: 'failed', statusReason: 'connection refused' });
      expect(health.streams.items).toBeUndefined();
      expect(health.lastRun).toMatchObject({ stream: 'contacts', status: 'failed' });
      expect(health.openFailures).toBe(0);
    }
  });

  it('shows no run for a connection that never ran', async () => {
    const one = await request(fixture.app).get('/api/connections/crm').set(bearer(fixture.tokens.viewer));
    expect(one.body.health).toEqual({ lastRun: null, openFailures: 0, streams: {} });
  });
});
