import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queueDrivers, storeDrivers } from '../support/drivers.ts';
import { type ApiFixture, bearer, startApiFixture } from './api-fixture.ts';

describe.each(storeDrivers())('mapping dry-run version and hash on $name', (store) => {
  let fixture: ApiFixture;
  beforeAll(async () => {
    fixture = await startApiFixture({
      store,
      queue: queueDrivers()[0]!,
      systemName: `crm-dry-${Date.now()}`,
    });
  });
  afterAll(async () => {
    await fixture.stop();
  });

  const id = 'crm:customers:in';
  const samples = [{ id: 'S1', name: 'Dry Run Ltd', email: 'a@b.example' }];
  const save = (yaml: string) =>
    request(fixture.app).put(`/api/mappings/${id}`).set(bearer(fixture.tokens.admin)).send({ yaml });
  const dryRun = (body: { yaml?: string }) =>
    request(fixture.app)
      .post(`/api/mappings/${id}/dry-run`)
      .set(bearer(fixture.tokens.operator))
      .send({ ...body, samples });

  it('reports the saved version and the hash the connection runs, and the next ones for proposed text', async () => {
    expect((await save('fields:\n  email: { expr: "$lowercase(email)" }\n')).body.version).toBe(2);
    const v3 = await save('fields:\n  email: { expr: "$uppercase(email)" }\n');
    expect(v3.body.version).toBe(3);

    const saved = (await dryRun({})).body.mapping;
    expect(saved.version).toBe(3);
    expect(v3.body.label).toContain(saved.hash.slice(0, 12));

    const proposal = 'fields:\n  email: { expr: "$trim(email)" }\n';
    const proposed = (await dryRun({ yaml: proposal })).body.mapping;
    expect(proposed.version).toBe(4);
    const v4 = await save(proposal);
    expect(v4.body).toMatchObject({ version: 4, label: expect.stringContaining(proposed.hash.slice(0, 12)) });
  });

  it('validates proposed outbound text as the version it would be saved and run as', async () => {
    const outId = 'crm:customers:out';
    const saveOut = (yaml: string) =>
      request(fixture.app).put(`/api/mappings/${outId}`).set(bearer(fixture.tokens.admin)).send({ yaml });
    expect((await saveOut('fields:\n  email: { expr: "$lowercase(email)" }\n')).body.version).toBe(2);

    const proposal = 'fields:\n  email: { expr: "$uppercase(email)" }\n';
    const validated = await request(fixture.app)
      .post(`/api/mappings/${outId}/validate`)
      .set(bearer(fixture.tokens.operator))
      .send({ yaml: proposal });
    expect(validated.body).toMatchObject({ valid: true, errors: [] });
    const saved = await saveOut(proposal);
    expect(saved.body).toMatchObject({
      version: 3,
      label: expect.stringContaining(validated.body.hash.slice(0, 12)),
    });
  });
});
