import request from 'supertest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { queueDrivers, storeDrivers } from '../support/drivers.ts';
import { type ApiFixture, bearer, startApiFixture } from './api-fixture.ts';
import { canonicalIdOf, connectTwoSystems, liveGoldenCount, type TwoSystems } from './mdm-fixture.ts';

describe.each(storeDrivers())('master data API on $name', (store) => {
  let fixture: ApiFixture;
  let systems: TwoSystems;
  beforeEach(async () => {
    fixture = await startApiFixture({ store, queue: queueDrivers()[0]! });
    systems = await connectTwoSystems(fixture.test.hub);
  });
  afterEach(async () => {
    await fixture.stop();
  });

  const api = () => request(fixture.app);
  const admin = () => bearer(fixture.tokens.admin);

  it('lists review pairs with both records and the reasons, approves one, and undoes the merge', async () => {
    systems.crm.put('customers', {
      id: 'C-20',
      name: 'Suzhou Huaxin Precision Machinery Co., Ltd.',
      phone: '+86 512 6666 1234',
    });
    systems.crm.put('customers', { id: 'C-21', name: 'Shanghai Yongli Electronic Technology' });
    systems.erp.put('customers', {
      id: 'E-20',
      name: 'Huaxin Precision Machinery',
      phone: '+86 512 6666 9999',
    });
    await systems.sync('crm');
    await systems.sync('erp');
    const crmId = await canonicalIdOf(fixture.test.hub, 'crm', 'C-20');
    const erpId = await canonicalIdOf(fixture.test.hub, 'erp', 'E-20');

    const list = await api().get('/api/mdm/matches?state=review&limit=5').set(bearer(fixture.tokens.viewer));
    expect(list.status).toBe(200);
    expect(list.body).toMatchObject({ total: 1, limit: 5, offset: 0 });
    expect(list.body.items[0]).toMatchObject({
      leftId: crmId,
      rightId: erpId,
      state: 'review',
      left: { id: crmId, displayName: 'Suzhou Huaxin Precision Machinery Co., Ltd.' },
      right: { id: erpId, displayName: 'Huaxin Precision Machinery' },
    });
    expect(list.body.items[0].reasons.map((reason: { code: string }) => reason.code)).toContain('field');
    expect((await api().get('/api/mdm/matches?state=review&offset=1').set(admin())).body.items).toEqual([]);
    expect((await api().get('/api/mdm/matches?state=maybe').set(admin())).status).toBe(400);

    const matchId = list.body.items[0].id;
    const approved = await api().post(`/api/mdm/matches/${matchId}/approve`).set(admin());
    expect(approved.status).toBe(200);
    expect(approved.body.match).toMatchObject({ state: 'approved', decidedBy: 'admin@example.com' });
    expect(await liveGoldenCount(fixture.test.hub)).toBe(2);
    const redirected = await api().get(`/api/records/customer/${erpId}`).set(admin());
    expect(redirected.body.record.id).toBe(crmId);
    expect((await api().post(`/api/mdm/matches/${matchId}/reject`).set(admin())).status).toBe(409);

    const undone = await api()
      .post('/api/mdm/unmerge')
      .set(admin())
      .send({ mergeId: approved.body.merge.mergeId });
    expect(undone.status).toBe(200);
    expect(undone.body.merged).toMatchObject({ id: erpId, mergedInto: null });
    expect(await liveGoldenCount(fixture.test.hub)).toBe(3);
    const after = await api().get('/api/mdm/matches?state=rejected').set(admin());
    expect(after.body.items.map((match: { id: string }) => match.id)).toEqual([matchId]);
  });

  it('merges by hand, refuses two ids of one connection naming both, and rejects bad input', async () => {
    systems.crm.put('customers', { id: 'C-40', name: 'Alpha Tooling' });
    systems.crm.put('customers', { id: 'C-41', name: 'Beta Castings' });
    systems.erp.put('customers', { id: 'E-40', name: 'Gamma Forge' });
    await systems.sync('crm');
    await systems.sync('erp');
    const [a, b, c] = [
      await canonicalIdOf(fixture.test.hub, 'crm', 'C-40'),
      await canonicalIdOf(fixture.test.hub, 'crm', 'C-41'),
      await canonicalIdOf(fixture.test.hub, 'erp', 'E-40'),
    ];
    const refused = await api().post('/api/mdm/merge').set(admin()).send({ survivorId: a, mergedId: b });
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toContain(
      'connection crm would hold two ids for one customer: C-40 and C-41',
    );

    const merged = await api().post('/api/mdm/merge').set(admin()).send({ survivorId: a, mergedId: c });
    expect(merged.status).toBe(200);
    expect(merged.body.survivor.body).toMatchObject({ name: 'Gamma Forge' });
    const bad = await api().post('/api/mdm/merge').set(admin()).send({ survivorId: a });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('mergedId');
    expect((await api().post('/api/mdm/matches/not-an-id/approve').set(admin())).status).toBe(404);
    expect((await api().post('/api/mdm/unmerge').set(admin()).send({ mergeId: a })).status).toBe(404);
    expect(
      (
        await api()
          .post('/api/mdm/merge')
          .set(bearer(fixture.tokens.viewer))
          .send({ survivorId: a, mergedId: c })
      ).status,
    ).toBe(403);
  });
});
