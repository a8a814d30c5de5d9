import request from 'supertest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HubError } from '../../core/errors/index.ts';
import { recordFailure } from '../../core/sync/failures.ts';
import { processInboundPage } from '../../core/sync/inbound.ts';
import { replayMatching } from '../../core/sync/replay.ts';
import { inboundStreamFor } from '../../core/sync/run-sync.ts';
import { queueDrivers, storeDrivers } from '../support/drivers.ts';
import { type ApiFixture, bearer, startApiFixture } from './api-fixture.ts';

describe.each(storeDrivers())('failures through the API on $name', (store) => {
  let fixture: ApiFixture;
  beforeEach(async () => {
    fixture = await startApiFixture({ store, queue: queueDrivers()[0]! });
  });
  afterEach(async () => {
    await fixture.stop();
  });

  const fileInbound = async (records: unknown[]) => {
    const stream = await inboundStreamFor(fixture.test.hub, 'crm', 'customers');
    await processInboundPage(stream, { records });
  };
  const fileFailure = (externalId: string, message: string, direction: 'in' | 'flow' = 'in') =>
    recordFailure(fixture.test.hub.store.db, {
      connectionId: 'crm',
      stream: 'customers',
      direction,
      externalId,
      rawPayload: { id: externalId },
      error: new HubError('invalid_data', 'invalid_email', message),
    });
  const listIds = async (query: string) => {
    const response = await request(fixture.app)
      .get(`/api/failures?${query}`)
      .set(bearer(fixture.tokens.viewer));
    expect(response.status).toBe(200);
    return response.body.items.map((item: { externalId: string }) => item.externalId).sort();
  };

  it('filters by text alone and together with other filters', async () => {
    await fileFailure('ACME-7', 'customer ACME-7: email: not a valid email address');
    await fileFailure('crm-x', 'customer crm-x: email: bad');
    expect(await listIds('text=ACME')).toEqual(['ACME-7']);
    expect(await listIds('connection=crm&text=acme')).toEqual(['ACME-7']);
    expect(await listIds('connection=crm&text=zzz-not-anywhere')).toEqual([]);
    expect(await listIds('connection=crm&stream=customers&state=open&text=crm-x')).toEqual(['crm-x']);
  });

  it('matches % and _ in the text literally', async () => {
    await fileFailure('P1', 'discount 100% off');
    await fileFailure('P2', 'discount 100 off');
    await fileFailure('U1', 'field a_b missing');
    await fileFailure('U2', 'field axb missing');
    expect(await listIds('text=100%25')).toEqual(['P1']);
    expect(await listIds('text=a_b')).toEqual(['U1']);
  });

  it('answers 404 naming a malformed failure or run id', async () => {
    const viewer = bearer(fixture.tokens.viewer);
    const operator = bearer(fixture.tokens.operator);
    const answers = [
      await request(fixture.app).get('/api/failures/not-a-uuid').set(viewer),
      await request(fixture.app).post('/api/failures/not-a-uuid/replay').set(operator),
      await request(fixture.app).post('/api/failures/not-a-uuid/ignore').set(operator),
      await request(fixture.app).get('/api/runs/not-a-uuid').set(viewer),
    ];
    for (const answer of answers) {
      expect(answer.status).toBe(404);
      expect(answer.body.error.message).toContain('not-a-uuid');
    }
    expect(answers.map((answer) => answer.body.error.code)).toEqual([
      'failure_not_found',
      'failure_not_found',
      'failure_not_found',
      'run_not_found',
    ]);
  });

  it('replays every matching failure it can and reports the ones it cannot', async () => {
    await fileInbound([{ id: 'Z1', name: 'Bad', email: 'bad at example.com' }]);
    await fileFailure('F1', 'a flow step failed', 'flow');
    await fileInbound([{ id: 'Z2', name: 'Bad2', email: 'bad2 at example.com' }]);
    const response = await request(fixture.app)
      .post('/api/failures/replay')
      .set(bearer(fixture.tokens.operator))
      .send({ connection: 'crm' });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ replayed: 2, skipped: 1, beyondLimit: 0 });
    expect(response.body.skips).toEqual([expect.objectContaining({ code: 'replay_not_supported' })]);
    expect(response.body.results).toHaveLength(2);
  });

  it('replays by a text filter and says how many matched beyond the limit', async () => {
    await fileInbound([
      { id: 'T1', name: 'Bad', email: 'bad at example.com' },
      { id: 'T2', name: 'Bad', email: 'bad at example.com' },
      { id: 'T3', name: 'Bad', email: 'bad at example.com' },
    ]);
    const result = await replayMatching(fixture.test.hub, { connectionId: 'crm', text: 'T' }, 2);
    expect(result).toMatchObject({ replayed: 2, skipped: 0, beyondLimit: 1 });
  });

  it('takes up in a later call the failures left beyond the limit, not those that just failed again', async () => {
    await fileInbound([
      { id: 'L1', name: 'Bad', email: 'bad at example.com' },
      { id: 'L2', name: 'Bad', email: 'bad at example.com' },
      { id: 'L3', name: 'Bad', email: 'bad at example.com' },
    ]);
    const filter = { connectionId: 'crm', text: 'L' };
    const first = await replayMatching(fixture.test.hub, filter, 2);
    const second = await replayMatching(fixture.test.hub, filter, 2);
    const externalIdOf = async (id: string) =>
      (
        await fixture.test.hub.store.db.query<{ external_id: string }>(
          'SELECT external_id FROM failed_syncs WHERE id = $1',
          [id],
        )
      ).rows[0]!.external_id;
    const replayed = [...first.results, ...second.results].map((result) => externalIdOf(result.id));
    expect(new Set(await Promise.all(replayed))).toEqual(new Set(['L1', 'L2', 'L3']));
  });
});
