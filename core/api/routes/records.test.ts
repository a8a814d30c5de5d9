import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ApiFixture, bearer, startApiFixture } from '../../../tests/integration/api-fixture.ts';
import { queueDrivers, storeDrivers } from '../../../tests/support/drivers.ts';
import { insertGoldenRows } from '../../store/repos/golden.ts';

interface RecordPage {
  items: Array<{ id: string; displayName: string }>;
  total: number;
  limit: number;
  offset: number;
  nextCursor: string | null;
  previousCursor: string | null;
}

describe.each(storeDrivers())('GET /api/records/:entity paging on $name', (store) => {
  let fixture: ApiFixture;
  beforeEach(async () => {
    fixture = await startApiFixture({ store, queue: queueDrivers()[0]! });
  });
  afterEach(async () => {
    await fixture.stop();
  });

  const addCustomers = (names: string[]) =>
    insertGoldenRows(
      fixture.test.hub.store.db,
      { entity: 'customer', sourceSystem: 'crm', at: new Date().toISOString() },
      names.map((name) => ({ id: randomUUID(), version: 1, body: { name }, lineage: {}, minted: true })),
    );
  const list = async (params: Record<string, string | number>) => {
    const response = await request(fixture.app)
      .get('/api/records/customer')
      .query(params)
      .set(bearer(fixture.tokens.viewer));
    expect(response.status).toBe(200);
    return response.body as RecordPage;
  };
  const names = (page: RecordPage) => page.items.map((item) => item.displayName);

  it('pages through every match of a search with next and previous cursors', async () => {
    await addCustomers(['Pump 7', 'Pump 1', 'Valve 1', 'Pump 4', 'Pump 2', 'Valve 2', 'Pump 6', 'Pump 3']);
    await addCustomers(['Pump 5']);
    const first = await list({ q: 'pump', limit: 3 });
    expect(first).toMatchObject({ total: 7, limit: 3, offset: 0, previousCursor: null });
    expect(names(first)).toEqual(['Pump 1', 'Pump 2', 'Pump 3']);
    const second = await list({ q: 'pump', limit: 3, after: first.nextCursor! });
    expect(second).toMatchObject({ total: 7, offset: 3 });
    expect(names(second)).toEqual(['Pump 4', 'Pump 5', 'Pump 6']);
    const last = await list({ q: 'pump', limit: 3, after: second.nextCursor! });
    expect(last).toMatchObject({ total: 7, offset: 6, nextCursor: null });
    expect(names(last)).toEqual(['Pump 7']);
    const back = await list({ q: 'pump', limit: 3, before: last.previousCursor! });
    expect(back).toMatchObject({ offset: 3, nextCursor: expect.any(String) });
    expect(names(back)).toEqual(['Pump 4', 'Pump 5', 'Pump 6']);
    const start = await list({ q: 'pump', limit: 3, before: back.previousCursor! });
    expect(start).toMatchObject({ offset: 0, previousCursor: null });
    expect(names(start)).toEqual(['Pump 1', 'Pump 2', 'Pump 3']);
  });

  it('continues after the last row seen when records are added ahead of it meanwhile', async () => {
    await addCustomers(['Bolt 1', 'Bolt 2', 'Bolt 3', 'Bolt 4']);
    const first = await list({ limit: 2 });
    expect(names(first)).toEqual(['Bolt 1', 'Bolt 2']);
    await addCustomers(['Bolt 0']);
    const second = await list({ limit: 2, after: first.nextCursor! });
    expect(names(second)).toEqual(['Bolt 3', 'Bolt 4']);
    expect(second).toMatchObject({ total: 5, offset: 3, nextCursor: null });
  });

  it('shows the first page in full when going back reaches the start with rows removed', async () => {
    await addCustomers(['Gear 1', 'Gear 2', 'Gear 3', 'Gear 4', 'Gear 5']);
    const second = await list({ limit: 2, after: (await list({ limit: 2 })).nextCursor! });
    expect(names(second)).toEqual(['Gear 3', 'Gear 4']);
    await fixture.test.hub.store.db.query(
      `UPDATE golden_records SET deleted = true WHERE display_name = 'Gear 1'`,
    );
    const back = await list({ limit: 2, before: second.previousCursor! });
    expect(names(back)).toEqual(['Gear 2', 'Gear 3']);
    expect(back).toMatchObject({ offset: 0, previousCursor: null, total: 4 });
  });

  it.each([
    [{ limit: 0 }, 'limit'],
    [{ limit: 5000 }, 'limit'],
    [{ limit: 'many' }, 'limit'],
    [{ after: 'not-a-cursor' }, 'after'],
    [{ before: Buffer.from('["Pump 1", "not-a-uuid"]').toString('base64url') }, 'before'],
    [
      {
        after: Buffer.from('["A", "7d1f0b7e-5f7c-4c55-9d8e-3f1c2b4a6d80"]').toString('base64url'),
        before: Buffer.from('["B", "7d1f0b7e-5f7c-4c55-9d8e-3f1c2b4a6d80"]').toString('base64url'),
      },
      'before',
    ],
  ])('answers %j with a 400 naming %s', async (params, field) => {
    const response = await request(fixture.app)
      .get('/api/records/customer')
      .query(params)
      .set(bearer(fixture.tokens.viewer));
    expect(response.status).toBe(400);
    expect(response.body.error.details.fieldPath).toBe(field);
    expect(response.body.error.message).toContain(field);
  });
});
