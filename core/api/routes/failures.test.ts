import request from 'supertest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ApiFixture, bearer, startApiFixture } from '../../../tests/integration/api-fixture.ts';
import { queueDrivers, storeDrivers } from '../../../tests/support/drivers.ts';
import { HubError } from '../../errors/index.ts';
import { type FailureState, recordFailure, setFailureState } from '../../sync/failures.ts';

describe.each(storeDrivers())('POST /api/failures/replay on $name', (store) => {
  let fixture: ApiFixture;
  beforeEach(async () => {
    fixture = await startApiFixture({ store, queue: queueDrivers()[0]! });
  });
  afterEach(async () => {
    await fixture.stop();
  });

  const fileFailure = async (externalId: string, rawPayload: unknown, state: FailureState = 'open') => {
    const id = await recordFailure(fixture.test.hub.store.db, {
      connectionId: 'crm',
      stream: 'customers',
      direction: 'in',
      externalId,
      rawPayload,
      error: new HubError('invalid_data', 'invalid_email', 'email: not a valid email address'),
    });
    if (state !== 'open') await setFailureState(fixture.test.hub.store.db, id, state);
    return id;
  };
  const replay = (filter: Record<string, string>) =>
    request(fixture.app).post('/api/failures/replay').set(bearer(fixture.tokens.operator)).send(filter);

  it('refuses a filter naming a field it does not know, instead of replaying every failure', async () => {
    await fileFailure('K1', { id: 'K1', email: 'bad at example.com' });
    const answer = await replay({ connectionId: 'erp' });
    expect(answer.status).toBe(400);
    expect(answer.body.error.message).toContain('connectionId');
    const [failure] = (await request(fixture.app).get('/api/failures').set(bearer(fixture.tokens.viewer)))
      .body.items;
    expect(failure).toMatchObject({ externalId: 'K1', attempts: 1 });
  });

  it('counts resolved and ignored failures as skipped, not replayed', async () => {
    for (const n of [1, 2]) await fileFailure(`R${n}`, { id: `R${n}` }, 'resolved');
    const ignored = await fileFailure('I1', { id: 'I1' }, 'ignored');
    const resolved = await replay({ state: 'resolved' });
    expect(resolved.status).toBe(200);
    expect(resolved.body).toMatchObject({ replayed: 0, results: [], skipped: 2 });
    expect(resolved.body.skips.map((skip: { code: string }) => skip.code)).toEqual([
      'already_resolved',
      'already_resolved',
    ]);
    const answer = await replay({ state: 'ignored' });
    expect(answer.body).toMatchObject({ replayed: 0, skipped: 1 });
    expect(answer.body.skips).toEqual([
      {
        id: ignored,
        code: 'already_ignored',
        message: `failed sync ${ignored} is already ignored: nothing to replay`,
      },
    ]);
  });

  it('replays what the list shows for a text holding a double quote or a backslash', async () => {
    const pipe = await fileFailure('P1', { id: 'P1', name: 'Pipe 12" steel', email: 'bad at example.com' });
    const drawing = await fileFailure('D1', { id: 'D1', name: 'C:\\drawings', email: 'bad at example.com' });
    for (const [text, id] of [
      ['12" steel', pipe],
      ['C:\\drawings', drawing],
    ]) {
      const list = await request(fixture.app)
        .get('/api/failures')
        .query({ text })
        .set(bearer(fixture.tokens.viewer));
      expect(list.body.items.map((item: { id: string }) => item.id)).toEqual([id]);
      const replayed = await replay({ text: text! });
      expect(replayed.body).toMatchObject({ replayed: 1, skipped: 0 });
      expect(replayed.body.results.map((result: { id: string }) => result.id)).toEqual([id]);
    }
  });
});

describe.each(storeDrivers())('POST /api/failures/:id/ignore on $name', (store) => {
  let fixture: ApiFixture;
  beforeEach(async () => {
    fixture = await startApiFixture({ store, queue: queueDrivers()[0]! });
  });
  afterEach(async () => {
    await fixture.stop();
  });

  const fileFailure = async (externalId: string, state: FailureState) => {
    const db = fixture.test.hub.store.db;
    const id = await recordFailure(db, {
      connectionId: 'crm',
      stream: 'customers',
      direction: 'in',
      externalId,
      rawPayload: { id: externalId },
      error: new HubError('invalid_data', 'invalid_email', 'email: not a valid email address'),
    });
    if (state !== 'open') await setFailureState(db, id, state);
    return id;
  };
  const stored = async (id: string) =>
    (
      await fixture.test.hub.store.db.query<{ state: string; resolvedAt: Date | null }>(
        'SELECT state, resolved_at AS "resolvedAt" FROM failed_syncs WHERE id = $1',
        [id],
      )
    ).rows[0]!;
  const ignore = (id: string) =>
    request(fixture.app).post(`/api/failures/${id}/ignore`).set(bearer(fixture.tokens.operator));

  it('refuses to ignore a resolved failure with a 409 and leaves it resolved', async () => {
    const id = await fileFailure('R1', 'resolved');
    const before = await stored(id);
    const response = await ignore(id);
    expect(response.status).toBe(409);
    expect(response.body.error).toMatchObject({ code: 'failure_resolved' });
    expect(response.body.error.message).toContain(id);
    expect(response.body.error.message).toContain('already resolved');
    expect(await stored(id)).toEqual(before);
  });

  it.each(['open', 'replayed'] as const)('ignores a %s failure', async (state) => {
    const id = await fileFailure('O1', state);
    const response = await ignore(id);
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ id, state: 'ignored' });
    expect((await stored(id)).state).toBe('ignored');
  });

  it('answers ignoring an ignored failure again as done, changing nothing', async () => {
    const id = await fileFailure('I1', 'ignored');
    const before = await stored(id);
    const response = await ignore(id);
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ id, state: 'ignored' });
    expect(await stored(id)).toEqual(before);
  });
});
