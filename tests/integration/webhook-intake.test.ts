import { createHmac } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listFailures } from '../../core/sync/failures.ts';
import { drainWebhookEvents } from '../../core/sync/webhooks.ts';
import { queueDrivers, storeDrivers } from '../support/drivers.ts';
import { type ApiFixture, startApiFixture } from './api-fixture.ts';

const SECRET = 'whsec-fixture-secret-1';
const signed = (body: string) => createHmac('sha256', SECRET).update(body).digest('hex');
const event = (id: string) =>
  JSON.stringify({ events: [{ id, stream: 'customers', record: { id: `R-${id}`, name: `Intake ${id}` } }] });

describe.each(storeDrivers())('webhook intake on $name', (store) => {
  let fixture: ApiFixture;
  beforeAll(async () => {
    fixture = await startApiFixture({ store, queue: queueDrivers()[0]! });
  });
  afterAll(async () => {
    await fixture.stop();
  });

  const post = (path: string, body: string, signature = signed(body)) =>
    request(fixture.app)
      .post(path)
      .set('Content-Type', 'application/json')
      .set('X-Signature', signature)
      .send(body);

  it('answers 202 with the counts and the request id it was given, and counts the request', async () => {
    const body = event('intake-1');
    const first = await post('/webhooks/crm', body).set('X-Request-Id', 'vendor-req-7');
    expect(first.status).toBe(202);
    expect(first.body).toEqual({ accepted: 1, duplicates: 0 });
    expect(first.headers['x-request-id']).toBe('vendor-req-7');
    const again = await post('/Webhooks/crm/', body);
    expect(again.status).toBe(202);
    expect(again.body).toEqual({ accepted: 0, duplicates: 1 });
    expect(again.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const metrics = await request(fixture.app).get('/metrics');
    expect(metrics.text).toMatch(/route="\/webhooks\/:connectionId",status="202"/);
  });

  it('answers errors in the API format: a bad signature, an unknown connection, a body over 5 MB', async () => {
    const badSignature = await post('/webhooks/crm', event('intake-2'), 'f'.repeat(64));
    expect(badSignature.status).toBe(401);
    expect(badSignature.body.error).toMatchObject({ code: 'invalid_signature' });
    expect(badSignature.body.error.details.requestId).toBe(badSignature.headers['x-request-id']);
    const unknown = await post('/webhooks/nobody', event('intake-3'));
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('connection_not_found');
    const huge = await post('/webhooks/crm', JSON.stringify({ padding: 'x'.repeat(6 * 2 ** 20) }));
    expect(huge.status).toBe(413);
    expect(huge.body.error).toMatchObject({
      code: 'entity_too_large',
      message: expect.stringMatching(/over the limit of 5242880 bytes/),
    });
    const { rows } = await fixture.test.hub.store.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM webhook_events WHERE event_id LIKE 'intake-%'`,
    );
    expect(rows[0]!.n).toBe(1);
  });

  it('leaves other methods and paths to the API', async () => {
    expect((await request(fixture.app).get('/webhooks/crm')).body.error.code).toBe('route_not_found');
    expect((await post('/webhooks/crm/extra', event('intake-4'))).body.error.code).toBe('route_not_found');
  });

  it('files an event holding a NUL or a lone surrogate as a failure and takes the rest of the delivery', async () => {
    const body = JSON.stringify({
      events: [
        { id: 'nul-1', stream: 'customers', record: { id: 'R-nul-1', name: 'Fine One' } },
        { id: 'nul-2', stream: 'customers', record: { id: 'R-nul-2', name: 'Bad\u0000Two' } },
        { id: 'nul-3', stream: 'customers', record: { id: 'R-nul-3', name: 'Half \udc00 pair' } },
        { id: 'nul-4', stream: 'customers', record: { id: 'R-nul-4', name: 'Fine Four' } },
      ],
    });
    const answer = await post('/webhooks/crm', body);
    expect(answer.status).toBe(202);
    expect(answer.body).toEqual({ accepted: 2, duplicates: 0, failed: 2 });
    const { items } = await listFailures(fixture.test.hub.store.db, { connectionId: 'crm', text: 'R-nul' });
    expect(items.map((failure) => [failure.externalId, failure.errorCode, failure.fieldPath]).sort()).toEqual(
      [
        ['R-nul-2', 'unstorable_string', 'record.name'],
        ['R-nul-3', 'unstorable_string', 'record.name'],
      ],
    );
    await drainWebhookEvents(fixture.test.hub, 'crm');
    const { rows } = await fixture.test.hub.store.db.query<{ external_id: string }>(
      `SELECT external_id FROM source_records WHERE external_id LIKE 'R-nul-%' ORDER BY external_id`,
    );
    expect(rows.map((row) => row.external_id)).toEqual(['R-nul-1', 'R-nul-4']);
  });

  it('drains the events of one delivery in their order, not by event id text', async () => {
    const body = JSON.stringify({
      events: [
        { id: 'ord-e9', stream: 'customers', record: { id: 'R-ord', name: 'First' } },
        { id: 'ord-e10', stream: 'customers', record: { id: 'R-ord', name: 'Second' } },
      ],
    });
    expect((await post('/webhooks/crm', body)).body).toEqual({ accepted: 2, duplicates: 0 });
    await drainWebhookEvents(fixture.test.hub, 'crm');
    const { rows } = await fixture.test.hub.store.db.query<{ raw: { name: string } }>(
      `SELECT raw FROM source_records WHERE external_id = 'R-ord'`,
    );
    expect(rows.map((row) => row.raw.name)).toEqual(['Second']);
  });

  it('takes the body of a delivery sent without a Content-Type', async () => {
    const body = event('no-type-1');
    const server = fixture.app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const answer = await new Promise<{ status?: number; text: string }>((resolve, reject) => {
        const call = httpRequest(
          {
            host: '127.0.0.1',
            port,
            path: '/webhooks/crm',
            method: 'POST',
            headers: { 'X-Signature': signed(body) },
          },
          (response) => {
            let text = '';
            response.on('data', (chunk) => {
              text += chunk;
            });
            response.on('end', () => resolve({ status: response.statusCode, text }));
          },
        );
        call.on('error', reject);
        call.end(body);
      });
      expect(answer).toEqual({ status: 202, text: JSON.stringify({ accepted: 1, duplicates: 0 }) });
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
