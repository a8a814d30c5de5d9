import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiFixture, bearer, startApiFixture } from '../../../tests/integration/api-fixture.ts';
import { queueDrivers, storeDrivers } from '../../../tests/support/drivers.ts';

// The stream of a mapping id becomes part of a file path (mappings/<kind>/<stream>.<dir>.yaml): it
// must name one of the connection's streams before any file is looked at. The test hub's mappings
// root holds rest/customers.in.yaml, which "../rest/customers" would reach from memory/.
describe.each(storeDrivers())(
  'mapping ids naming a stream the connection does not have, on $name',
  (store) => {
    let fixture: ApiFixture;
    beforeAll(async () => {
      fixture = await startApiFixture({ store, queue: queueDrivers()[0]! });
    });
    afterAll(async () => fixture.stop());

    const unknownStream = (stream: string, direction: 'in' | 'out') => ({
      code: 'unknown_stream',
      message: `memory connection crm has no ${direction === 'in' ? 'readable' : 'writable'} stream "${stream}"`,
      details: expect.objectContaining({ fieldPath: 'stream' }),
    });

    it.each([
      ['get', '..%2Frest%2Fcustomers', '../rest/customers'],
      ['get', '..%2F..%2Fnowhere', '../../nowhere'],
      ['get', 'no_such_stream', 'no_such_stream'],
      ['post-validate', '..%2Frest%2Fcustomers', '../rest/customers'],
      ['put', '..%2Frest%2Fcustomers', '../rest/customers'],
    ] as const)(
      '%s on stream %s is a 404 naming the stream, whether a file is there or not',
      async (call, raw, stream) => {
        const id = `crm:${raw}:in`;
        const admin = bearer(fixture.tokens.admin);
        const response =
          call === 'get'
            ? await request(fixture.app).get(`/api/mappings/${id}`).set(admin)
            : call === 'put'
              ? await request(fixture.app).put(`/api/mappings/${id}`).set(admin).send({ yaml: '{}' })
              : await request(fixture.app)
                  .post(`/api/mappings/${id}/validate`)
                  .set(admin)
                  .send({ yaml: '{}' });
        expect(response.status).toBe(404);
        expect(response.body.error).toMatchObject(unknownStream(stream, 'in'));
      },
    );

    it('still serves a mapping of one of the connection’s streams', async () => {
      const response = await request(fixture.app)
        .get('/api/mappings/crm:customers:out')
        .set(bearer(fixture.tokens.viewer));
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ stream: 'customers', direction: 'out' });
    });
  },
);

// Version 1 of a mapping is its default file alone; emptying the override is how a user goes back
// to it. Validate, dry-run and save check the text the same way, so what validate accepts saves.
describe.each(storeDrivers())('rolling a mapping back to its default on $name', (store) => {
  let fixture: ApiFixture;
  beforeAll(async () => {
    fixture = await startApiFixture({ store, queue: queueDrivers()[0]! });
  });
  afterAll(async () => fixture.stop());
  const id = 'crm:customers:in';
  const admin = () => bearer(fixture.tokens.admin);
  const validate = (yaml: string) =>
    request(fixture.app).post(`/api/mappings/${id}/validate`).set(admin()).send({ yaml });
  const save = (yaml: string) => request(fixture.app).put(`/api/mappings/${id}`).set(admin()).send({ yaml });
  const dryRunEmail = async () => {
    const answer = await request(fixture.app)
      .post(`/api/mappings/${id}/dry-run`)
      .set(admin())
      .send({ samples: [{ id: 'S1', name: 'Acme', email: 'Sales@Acme.example' }] })
      .expect(200);
    return answer.body.samples[0].output.email;
  };

  it('saves an empty override as the next version, running the default again', async () => {
    expect((await save('fields:\n  email: { expr: "$uppercase(email)" }\n')).status).toBe(200);
    expect(await dryRunEmail()).toBe('SALES@ACME.EXAMPLE');

    const validated = await validate('');
    expect(validated.body).toMatchObject({ valid: true, errors: [] });
    const rolledBack = await save('');
    expect(rolledBack.status).toBe(200);
    expect(rolledBack.body).toMatchObject({
      version: 3,
      label: `override v3 (${validated.body.hash.slice(0, 12)})`,
    });
    expect(await dryRunEmail()).toBe('Sales@Acme.example');
    const mapping = await request(fixture.app).get(`/api/mappings/${id}`).set(admin()).expect(200);
    expect(mapping.body).toMatchObject({ version: 3, overrideYaml: '', label: rolledBack.body.label });
  });

  it('refuses an override that is not a YAML mapping the same way in validate, dry-run and save', async () => {
    const next = (await request(fixture.app).get(`/api/mappings/${id}`).set(admin())).body.version + 1;
    const message = `connection crm customers.in override v${next}: the override must be a YAML mapping of fields, valueMaps and options`;
    expect((await validate('- email\n')).body).toEqual({
      valid: false,
      errors: [{ path: '(root)', message }],
    });
    const dryRun = await request(fixture.app)
      .post(`/api/mappings/${id}/dry-run`)
      .set(admin())
      .send({ yaml: '- email\n', samples: [{ id: 'S1', name: 'Acme' }] });
    expect(dryRun.body).toMatchObject({ valid: false, errors: [{ path: '(root)', message }] });
    const saved = await save('- email\n');
    expect(saved.status).toBe(400);
    expect(saved.body.error).toMatchObject({
      code: 'invalid_mapping',
      message,
      details: { fieldPath: '(root)' },
    });
  });
});

// Two admins saving one mapping at the same moment (or a double-clicked Save) each get a version.
describe.skipIf(!process.env.DATABASE_URL)('concurrent saves of one mapping on PostgreSQL', () => {
  let fixture: ApiFixture;
  beforeAll(async () => {
    fixture = await startApiFixture({ store: storeDrivers().at(-1)!, queue: queueDrivers()[0]! });
  });
  afterAll(async () => fixture.stop());

  it('saves both, as distinct versions', async () => {
    const save = (n: number) =>
      request(fixture.app)
        .put('/api/mappings/crm:customers:in')
        .set(bearer(fixture.tokens.admin))
        .send({ yaml: `description: "save ${n}"\n` });
    const answers = [];
    for (let round = 0; round < 5; round++)
      answers.push(...(await Promise.all([save(round * 2), save(round * 2 + 1)])));
    expect(answers.map((answer) => answer.status)).toEqual(Array(10).fill(200));
    expect(answers.map((answer) => answer.body.version).sort((a, b) => a - b)).toEqual([
      2, 3, 4, 5, 6, 7, 8, 9, 10, 11,
    ]);
  });
});
