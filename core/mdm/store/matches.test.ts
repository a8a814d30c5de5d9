import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { storeDrivers } from '../../../tests/support/drivers.ts';
import type { Store } from '../../store/index.ts';
import * as pairOrderMigration from '../../store/migrations/0014-match-pair-order.ts';
import { decideMatch, insertMatches, listMatches } from './matches.ts';

const pair = (leftId: string, rightId: string, score = 0.8) => ({
  entity: 'customer',
  leftId,
  rightId,
  score,
  reasons: [],
});

describe.each(storeDrivers())('review pairs on $name', (driver) => {
  let store: Store;
  beforeEach(async () => {
    store = await driver.open();
  });
  afterEach(async () => store?.close());

  it('files a pair once whichever record came first', async () => {
    const [a, b] = [randomUUID(), randomUUID()];
    await insertMatches(store.db, [pair(a, b)]);
    await insertMatches(store.db, [pair(b, a), pair(a, b)]);
    const { items, total } = await listMatches(store.db, { limit: 10, offset: 0 });
    expect(total).toBe(1);
    expect([items[0]!.leftId, items[0]!.rightId]).toEqual([a, b]);
  });

  it('does not file again, the other way round, a pair a steward rejected', async () => {
    const [a, b] = [randomUUID(), randomUUID()];
    await insertMatches(store.db, [pair(a, b)]);
    const [filed] = (await listMatches(store.db, { limit: 10, offset: 0 })).items;
    await decideMatch(store.db, filed!.id, { state: 'rejected', actor: 'steward' });
    await insertMatches(store.db, [pair(b, a)]);
    const { items } = await listMatches(store.db, { state: 'review', limit: 10, offset: 0 });
    expect(items).toEqual([]);
  });

  it('keeps, of pairs filed both ways before, the decided one', async () => {
    const [a, b, c, d] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
    await store.db.exec('DROP INDEX mdm_matches_pair');
    await store.db.query(
      `INSERT INTO mdm_matches (id, entity, left_id, right_id, score, state, created_at) VALUES
         ($1, 'customer', $3, $4, 0.8, 'review', now() - interval '2 days'),
         ($2, 'customer', $4, $3, 0.8, 'rejected', now() - interval '1 day'),
         (gen_random_uuid(), 'customer', $5, $6, 0.8, 'review', now() - interval '2 days'),
         (gen_random_uuid(), 'customer', $6, $5, 0.8, 'review', now() - interval '1 day')`,
      [randomUUID(), randomUUID(), a, b, c, d],
    );
    await store.db.exec(pairOrderMigration.up);
    const { items } = await listMatches(store.db, { limit: 10, offset: 0 });
    expect(items.map((m) => [m.leftId, m.rightId, m.state])).toEqual([
      [c, d, 'review'],
      [b, a, 'rejected'],
    ]);
  });
});
