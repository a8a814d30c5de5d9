import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiFixture, bearer, startApiFixture } from '../../../tests/integration/api-fixture.ts';
import { queueDrivers, storeDrivers } from '../../../tests/support/drivers.ts';
import { memoryConnector } from '../../../tests/support/memory-system.ts';

// The options a connection's write queue is consumed with are checked when it is saved: a value
// the queue refuses would otherwise leave the connection without a write worker.

describe.each(storeDrivers())('connection options on $name', (store) => {
  let fixture: ApiFixture;
  beforeAll(async () => {
    fixture = await startApiFixture({ store, queue: queueDrivers()[0]! });
  });
  afterAll(async () => {
    await fixture.stop();
  });
  const create = (options: unknown) =>
    request(fixture.app)
      .post('/api/connections')
      .set(bearer(fixture.tokens.admin))
      .send({ id: 'erp', kind: 'memory', name: 'ERP', config: { system: 'erp-options' }, options });

  it.each([
    [{ concurrency: 0 }, 'options.concurrency'],
    [{ concurrency: '4' }, 'options.concurrency'],
    [{ concurrency: 1.5 }, 'options.concurrency'],
    [{ rateLimit: { max: 0, perMs: 1000 } }, 'options.rateLimit.max'],
    [{ rateLimit: { max: 10, perMs: -1 } }, 'options.rateLimit.perMs'],
    [{ rateLimit: { max: 10 } }, 'options.rateLimit.perMs'],
  ])('refuses to create a connection with options %j, naming %s', async (options, fieldPath) => {
    const response = await create(options);
    expect(response.status).toBe(400);
    expect(response.body.error.message).toContain(fieldPath);
    expect(response.body.error.details.fieldPath).toBe(fieldPath);
  });

  it('saves good options and refuses bad ones on an update', async () => {
    const options = { push: ['customers'], concurrency: 4, rateLimit: { max: 10, perMs: 1000 } };
    expect((await create(options)).status).toBe(201);
    const update = (next: unknown) =>
      request(fixture.app)
        .put('/api/connections/erp')
        .set(bearer(fixture.tokens.admin))
        .send({ name: 'ERP', config: { system: 'erp-options' }, options: next });
    const refused = await update({ ...options, concurrency: -2 });
    expect(refused.status).toBe(400);
    expect(refused.body.error.details.fieldPath).toBe('options.concurrency');
    expect((await fixture.test.hub.store.connections.get('erp')).options).toEqual(options);
    expect((await update({ ...options, concurrency: 2 })).status).toBe(200);
  });

  it('refuses bad options saved without the API, naming the connection and the field', async () => {
    const save = fixture.test.hub.store.connections.save(
      { id: 'cli', kind: 'memory', name: 'CLI', config: { system: 'cli' }, options: { concurrency: 0 } },
      memoryConnector.configSchema,
    );
    await expect(save).rejects.toMatchObject({
      code: 'invalid_connection_options',
      fieldPath: 'options.concurrency',
      message: expect.stringMatching(/^connection cli: options\.concurrency: /),
    });
  });
});
