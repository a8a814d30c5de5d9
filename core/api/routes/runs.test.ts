import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ApiFixture, bearer, startApiFixture } from '../../../tests/integration/api-fixture.ts';
import { queueDrivers, storeDrivers } from '../../../tests/support/drivers.ts';

describe.each(storeDrivers())('GET /api/runs order on $name', (store) => {
  let fixture: ApiFixture;
  beforeEach(async () => {
    fixture = await startApiFixture({ store, queue: queueDrivers()[0]! });
  });
  afterEach(async () => {
    await fixture.stop();
  });

  it('orders runs started at the same instant by id, so pages neither skip nor repeat them', async () => {
    // Inserted in ascending id order: a list that leaves ties to the table order gets them backwards.
    const ids = Array.from({ length: 7 }, () => randomUUID()).sort();
    for (const id of ids)
      await fixture.test.hub.store.db.query(
        `INSERT INTO sync_runs (id, connection_id, stream, mode, status, counts, started_at, finished_at)
         VALUES ($1, 'crm', 'customers', 'incremental', 'succeeded', '{}', '2024-03-01T08:00:00Z', '2024-03-01T08:00:01Z')`,
        [id],
      );
    const listed: string[] = [];
    for (const offset of [0, 3, 6]) {
      const response = await request(fixture.app)
        .get('/api/runs')
        .query({ limit: 3, offset })
        .set(bearer(fixture.tokens.viewer));
      expect(response.status).toBe(200);
      listed.push(...response.body.items.map((run: { id: string }) => run.id));
    }
    expect(listed).toEqual([...ids].reverse());
  });
});
