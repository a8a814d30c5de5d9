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
