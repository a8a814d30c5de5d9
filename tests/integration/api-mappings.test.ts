import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSync } from '../../core/sync/run-sync.ts';
import { queueDrivers, storeDrivers, tableCounts } from '../support/drivers.ts';
import { memorySystem } from '../support/memory-system.ts';
import { type ApiFixture, bearer, startApiFixture } from './api-fixture.ts';

describe.each(storeDrivers())('mappings and golden records through the API on $name', (store) => {
  let fixture: ApiFixture;
  const systemName = `crm-map-${Date.now()}`;
  beforeAll(async () => {
    fixture = await startApiFixture({ store, queue: queueDrivers()[0]!, systemName });
  });
  afterAll(async () => {
    await fixture.stop();
  });

  it('lists mappings per connection, stream and direction', async () => {
    const response = await request(fixture.app)
      .get('/api/mappings?connection=crm')
      .set(bearer(fixture.tokens.viewer));
    const ids = response.body.items.map((item: { id: string }) => item.id).sort();
    expect(ids.filter((id: string) => /^crm:(customers|contacts):/.test(id))).toEqual([
      'crm:contacts:in',
      'crm:contacts:out',
      'crm:customers:in',
      'crm:customers:out',
    ]);
  });

  it('validates as you type, naming the line or field', async () => {
    const validate = (yaml: string) =>
      request(fixture.app)
        .post('/api/mappings/crm:customers:in/validate')
        .set(bearer(fixture.tokens.operator))
        .send({ yaml });
    expect((await validate('fields:\n  email: { expr: "$lowercase(email)" }\n')).body).toMatchObject({
      valid: true,
      errors: [],
    });
    const badYaml = await validate('fields:\n  email: [unclosed\n');
    expect(badYaml.body.valid).toBe(false);
    expect(badYaml.body.errors[0].path).toMatch(/line \d+/);
    const badField = await validate('fields:\n  email: { expr: "$lowercase(" }\n');
    expect(badField.body.valid).toBe(false);
    expect(badField.body.errors[0].path).toContain('email');
  });

  it('dry-runs a sample, returning the canonical output and every error, writing nothing', async () => {
    const before = await tableCounts(fixture.test.hub.store);
    const response = await request(fixture.app)
      .post('/api/mappings/crm:customers:in/dry-run')
      .set(bearer(fixture.tokens.operator))
      .send({
        yaml: 'fields:\n  email: { expr: "$lowercase(email)" }\n',
        samples: [
          { id: 'S1', name: 'Dry Run Ltd', email: 'SALES@DRY.EXAMPLE' },
          { id: 'S2', email: 'x@y.example' },
        ],
      });
    expect(response.status).toBe(200);
    expect(response.body.samples[0]).toMatchObject({
      status: 'ok',
      output: { name: 'Dry Run Ltd', email: 'sales@dry.example' },
    });
    expect(response.body.samples[1].status).toBe('invalid');
    expect(response.body.samples[1].errors.map((error: { path: string }) => error.path)).toContain('name');
    expect(response.body.summary).toEqual({ total: 2, ok: 1, pending: 0, invalid: 1 });
    // The one row written is the audit of the token's use, which every token call leaves.
    expect(await tableCounts(fixture.test.hub.store)).toEqual({
      ...before,
      audit_log: before.audit_log! + 1,
    });
    const { rows } = await fixture.test.hub.store.db.query<{ action: string }>(
      'SELECT action FROM audit_log ORDER BY id DESC LIMIT 1',
    );
    expect(rows[0]!.action).toBe('token.use');
  });

  it('saves overrides as versions with history and a diff, and admins only', async () => {
    const yaml = 'fields:\n  email: { expr: "$lowercase(email)" }\n';
    expect(
      (
        await request(fixture.app)
          .put('/api/mappings/crm:customers:in')
          .set(bearer(fixture.tokens.operator))
          .send({ yaml })
      ).status,
    ).toBe(403);
    const saved = await request(fixture.app)
      .put('/api/mappings/crm:customers:in')
      .set(bearer(fixture.tokens.admin))
      .send({ yaml });
    expect(saved.body.version).toBe(2);
    const detail = await request(fixture.app)
      .get('/api/mappings/crm:customers:in')
      .set(bearer(fixture.tokens.viewer));
    expect(detail.body).toMatchObject({ version: 2, overrideYaml: yaml, entity: 'customer' });
    expect(detail.body.defaultYaml).toContain('connector: memory');
    expect(detail.body.history.map((entry: { version: number }) => entry.version)).toEqual([2, 1]);
    const diff = await request(fixture.app)
      .get('/api/mappings/crm:customers:in/diff?from=1&to=2')
      .set(bearer(fixture.tokens.viewer));
    expect(diff.body.patch).toContain('+');
    expect(diff.body.patch).toContain('$lowercase(email)');
    const bad = await request(fixture.app)
      .put('/api/mappings/crm:customers:in')
      .set(bearer(fixture.tokens.admin))
      .send({ yaml: 'fields:\n  nope: { expr: "$(" }\n' });
    expect(bad.status).toBe(400);
  });

  it('finds golden records and shows lineage, source records, xrefs and history', async () => {
    memorySystem(systemName).put('customers', {
      id: 'G1',
      name: 'Golden Gear Works',
      email: 'GEAR@GOLDEN.EXAMPLE',
    });
    await runSync(fixture.test.hub, { connectionId: 'crm', stream: 'customers' });
    const found = await request(fixture.app)
      .get('/api/records/customer?q=golden')
      .set(bearer(fixture.tokens.viewer));
    expect(found.body.total).toBe(1);
    const id = found.body.items[0].id;
    const detail = await request(fixture.app)
      .get(`/api/records/customer/${id}`)
      .set(bearer(fixture.tokens.viewer));
    expect(detail.body.record).toMatchObject({
      id,
      body: { name: 'Golden Gear Works', email: 'gear@golden.example' },
    });
    expect(detail.body.xrefs).toEqual([expect.objectContaining({ connectionId: 'crm', externalId: 'G1' })]);
    expect(detail.body.sources[0]).toMatchObject({
      connectionId: 'crm',
      stream: 'customers',
      externalId: 'G1',
    });
    expect(detail.body.history.length).toBeGreaterThan(0);
    expect(
      (await request(fixture.app).get('/api/records/spaceship').set(bearer(fixture.tokens.viewer))).status,
    ).toBe(404);
  });
});
