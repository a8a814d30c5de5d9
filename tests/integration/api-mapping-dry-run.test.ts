import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HubError } from '../../core/errors/index.ts';
import { recordFailure } from '../../core/sync/failures.ts';
import { handleWriteJob } from '../../core/sync/outbound.ts';
import { runSync } from '../../core/sync/run-sync.ts';
import { queueDrivers, storeDrivers } from '../support/drivers.ts';
import { memorySystem } from '../support/memory-system.ts';
import { type ApiFixture, bearer, startApiFixture } from './api-fixture.ts';
import { canonicalIdOf, goldenVersionOf } from './flow-fixture.ts';

// A dry-run shows what the run would do with a record: outbound, the body the write sends; from a
// failed sync, only a failure of the mapping's own connection, stream and direction.

const refsYaml = 'fields:\n  canonicalRef: id\n  targetRef: externalId\n  hubVersion: version\n';

describe.each(storeDrivers())('mapping dry-run through the API on $name', (store) => {
  let fixture: ApiFixture;
  const systemName = `crm-dry-${Date.now()}`;
  beforeAll(async () => {
    fixture = await startApiFixture({ store, queue: queueDrivers()[0]!, systemName });
  });
  afterAll(async () => {
    await fixture.stop();
  });

  const dryRun = (id: string, body: object) =>
    request(fixture.app).post(`/api/mappings/${id}/dry-run`).set(bearer(fixture.tokens.operator)).send(body);

  async function customerFromCrm(externalId: string, name: string) {
    const { hub } = fixture.test;
    memorySystem(systemName).put('customers', { id: externalId, name, email: `${externalId}@dry.example` });
    await runSync(hub, { connectionId: 'crm', stream: 'customers' });
    const canonicalId = await canonicalIdOf(hub, 'customer', 'crm', externalId);
    const { rows } = await hub.store.db.query<{ body: Record<string, unknown> }>(
      'SELECT body FROM golden_records WHERE id = $1',
      [canonicalId],
    );
    return { canonicalId, version: await goldenVersionOf(hub, canonicalId), body: rows[0]!.body };
  }

  const fileFailure = (
    where: { connectionId: string; stream: string; direction: 'in' | 'out' },
    payload: { canonicalId?: string; externalId?: string; rawPayload: unknown },
  ) =>
    recordFailure(fixture.test.hub.store.db, {
      ...where,
      ...payload,
      error: new HubError('invalid_data', 'http_400', 'name: refused by the target', { fieldPath: 'name' }),
    });

  it('previews outbound the body the write sends, with the canonical id, version and target id', async () => {
    const customer = await customerFromCrm('DRY-1', 'Preview Parts');
    const failureId = await fileFailure(
      { connectionId: 'crm', stream: 'customers', direction: 'out' },
      { canonicalId: customer.canonicalId, rawPayload: customer.body },
    );
    const fromFailure = await dryRun('crm:customers:out', { yaml: refsYaml, failureId });
    expect(fromFailure.status).toBe(200);
    const expected = {
      name: 'Preview Parts',
      canonicalRef: customer.canonicalId,
      targetRef: 'DRY-1',
      hubVersion: customer.version,
    };
    expect(fromFailure.body.samples[0]).toMatchObject({ status: 'ok', output: expected });
    const fromSample = await dryRun('crm:customers:out', {
      yaml: refsYaml,
      samples: [{ ...customer.body, id: customer.canonicalId }],
    });
    expect(fromSample.body.samples[0].output).toEqual(fromFailure.body.samples[0].output);

    // What the write sends once the mapping is saved is what the dry-run showed.
    const saved = await request(fixture.app)
      .put('/api/mappings/crm:customers:out')
      .set(bearer(fixture.tokens.admin))
      .send({ yaml: refsYaml });
    expect(saved.status).toBe(200);
    const items = [{ canonicalId: customer.canonicalId, version: customer.version }];
    await handleWriteJob(fixture.test.hub, { connectionId: 'crm', stream: 'customers', items });
    const written = memorySystem(systemName)
      .list('customers')
      .find((record) => record.id === 'DRY-1');
    expect(written).toMatchObject(fromFailure.body.samples[0].output);
  });

  it('refuses a failure of another connection, stream or direction, naming where it belongs', async () => {
    const contact = await fileFailure(
      { connectionId: 'crm', stream: 'contacts', direction: 'in' },
      { externalId: 'P-1', rawPayload: { id: 'P-1', name: 'Not A Customer', email: 'p1@dry.example' } },
    );
    const refused = await dryRun('crm:customers:in', { failureId: contact });
    expect(refused.status).toBe(400);
    expect(refused.body.error).toMatchObject({ code: 'failure_of_other_stream' });
    expect(refused.body.error.message).toContain(contact);
    expect(refused.body.error.message).toContain('crm/contacts (in)');
    expect(refused.body.error.details).toMatchObject({
      fieldPath: 'failureId',
      connectionId: 'crm',
      stream: 'contacts',
      direction: 'in',
    });

    const customer = await customerFromCrm('DRY-2', 'Direction Parts');
    const outbound = await fileFailure(
      { connectionId: 'crm', stream: 'customers', direction: 'out' },
      { canonicalId: customer.canonicalId, rawPayload: customer.body },
    );
    const wrongDirection = await dryRun('crm:customers:in', { failureId: outbound });
    expect(wrongDirection.status).toBe(400);
    expect(wrongDirection.body.error.message).toContain('crm/customers (out)');

    const inbound = await fileFailure(
      { connectionId: 'crm', stream: 'customers', direction: 'in' },
      { externalId: 'DRY-3', rawPayload: { id: 'DRY-3', name: 'Own Stream Ltd' } },
    );
    const own = await dryRun('crm:customers:in', { failureId: inbound });
    expect(own.status).toBe(200);
    expect(own.body.samples[0]).toMatchObject({ status: 'ok', output: { name: 'Own Stream Ltd' } });
  });
});
