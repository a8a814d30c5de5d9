import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ApiFixture, bearer, startApiFixture } from '../../../tests/integration/api-fixture.ts';
import { queueDrivers, storeDrivers } from '../../../tests/support/drivers.ts';
import { decideMatch, insertMatches, listMatches } from '../../mdm/store/matches.ts';

interface MatchPage {
  items: Array<{ id: string; state: string }>;
  total: number;
  offset: number;
  nextCursor: string | null;
  previousCursor: string | null;
}

const pair = () => ({
  entity: 'customer',
  leftId: randomUUID(),
  rightId: randomUUID(),
  score: 0.8,
  reasons: [],
});

describe.each(storeDrivers())('GET /api/mdm/matches paging on $name', (store) => {
  let fixture: ApiFixture;
  beforeEach(async () => {
    fixture = await startApiFixture({ store, queue: queueDrivers()[0]! });
  });
  afterEach(async () => {
    await fixture.stop();
  });

  const list = async (params: Record<string, string | number>) => {
    const response = await request(fixture.app)
      .get('/api/mdm/matches')
      .query({ state: 'review', ...params })
      .set(bearer(fixture.tokens.viewer));
    expect(response.status).toBe(200);
    return response.body as MatchPage;
  };

  it('pages the review queue past its first rows, pairs filed together in id order', async () => {
    const db = fixture.test.hub.store.db;
    // Filed in one statement: the five pairs share created_at, so only their ids order them.
    await insertMatches(db, [pair(), pair(), pair(), pair(), pair()]);
    await insertMatches(db, [pair()]);
    const all = (await listMatches(db, { limit: 10, offset: 0 })).items;
    await decideMatch(db, all[2]!.id, { state: 'rejected', actor: 'steward@example.com' });
    const review = all.filter((_, index) => index !== 2).map((match) => match.id);

    const seen: string[] = [];
    const offsets: number[] = [];
    let page = await list({ limit: 2 });
    expect(page).toMatchObject({ total: 5, previousCursor: null });
    for (;;) {
      seen.push(...page.items.map((item) => item.id));
      offsets.push(page.offset);
      if (!page.nextCursor) break;
      page = await list({ limit: 2, after: page.nextCursor });
    }
    expect(seen).toEqual(review);
    expect(offsets).toEqual([0, 2, 4]);
    const back = await list({ limit: 2, before: page.previousCursor! });
    expect(back.items.map((item) => item.id)).toEqual(review.slice(2, 4));
    expect(back.offset).toBe(2);
  });

  it('answers a cursor that does not fit the review queue with a 400 naming it', async () => {
    const golden = Buffer.from(JSON.stringify(['Pump 1', randomUUID()])).toString('base64url');
    const response = await request(fixture.app)
      .get('/api/mdm/matches')
      .query({ after: golden })
      .set(bearer(fixture.tokens.viewer));
    expect(response.status).toBe(400);
    expect(response.body.error.details.fieldPath).toBe('after');
    const tooMany = await request(fixture.app)
      .get('/api/mdm/matches')
      .query({ limit: 501 })
      .set(bearer(fixture.tokens.viewer));
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.error.message).toContain('limit');
  });
});
