import nock from 'nock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { hubspot } from '../../../connectors/hubspot/index.ts';
import { signRequest } from '../../../connectors/hubspot/webhook.ts';
import type { WebhookRequest, WriteOp } from '../../../core/connector/types.ts';
import { api, fixture, makeConfig, makeContext } from './harness.ts';

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());

const upsert = (
  index: number,
  properties: Record<string, string>,
): WriteOp & { record: Record<string, string> } => ({
  idempotencyKey: `key-${index}`,
  action: 'upsert',
  canonicalId: `cus_${index}`,
  record: properties,
});

describe('HubSpot writes', () => {
  it('upserts 101 companies in batches of 100 on the unique property, one bad record failing alone', async () => {
    const ctx = makeContext(makeConfig());
    const ops = Array.from({ length: 101 }, (_, index) =>
      upsert(index, { name: `Customer ${index}`, numberofemployees: index === 42 ? 'many' : String(index) }),
    );
    const inputs = (from: number, to: number) =>
      ops.slice(from, to).map((op) => ({
        idProperty: 'hub_id',
        id: op.canonicalId,
        properties: op.record,
        objectWriteTraceId: op.idempotencyKey,
      }));
    const result = (op: WriteOp, index: number) => ({
      id: String(5000 + index),
      properties: { hub_id: op.canonicalId, name: String(op.record.name) },
      createdAt: '2024-05-01T10:00:00.000Z',
      updatedAt: '2024-05-01T10:00:00.000Z',
      archived: false,
      new: index % 2 === 0,
      objectWriteTraceId: op.idempotencyKey,
    });
    const first = ops.slice(0, 100).flatMap((op, index) => (index === 42 ? [] : [result(op, index)]));
    api()
      .post('/crm/v3/objects/companies/batch/upsert', { inputs: inputs(0, 100) })
      .reply(207, {
        status: 'COMPLETE',
        results: first,
        numErrors: 1,
        errors: [
          {
            status: 'error',
            category: 'VALIDATION_ERROR',
            message: 'Property values were not valid: numberofemployees "many" is not a number',
            context: { objectWriteTraceId: ['key-42'], propertyName: ['numberofemployees'] },
          },
        ],
        startedAt: '2024-05-01T10:00:00.000Z',
        completedAt: '2024-05-01T10:00:01.000Z',
      });
    api()
      .post('/crm/v3/objects/companies/batch/upsert', { inputs: inputs(100, 101) })
      .reply(200, {
        status: 'COMPLETE',
        results: [result(ops[100], 100)],
        startedAt: '2024-05-01T10:00:02.000Z',
        completedAt: '2024-05-01T10:00:02.100Z',
      });
    const results = await hubspot.write(ctx, 'companies', ops);
    expect(results.filter((entry) => !entry.ok)).toEqual([
      {
        ok: false,
        idempotencyKey: 'key-42',
        error: {
          kind: 'invalid_data',
          code: 'validation_error',
          message: 'Property values were not valid: numberofemployees "many" is not a number',
          fieldPath: 'properties.numberofemployees',
        },
      },
    ]);
    expect(results[100]).toEqual({ ok: true, idempotencyKey: 'key-100', externalId: '5100', created: true });
    expect(nock.pendingMocks()).toEqual([]);
  });

  it('updates an object whose HubSpot id is known by that id, filling in the id property, and upserts the rest', async () => {
    const ctx = makeContext(makeConfig());
    const known: WriteOp = { ...upsert(1, { name: 'Acme Machining Inc.' }), externalId: '5001' };
    const fresh = upsert(2, { name: 'Borg Castings' });
    const saved = (id: string, op: WriteOp, extra: object = {}) => ({
      id,
      properties: { hub_id: op.canonicalId, name: String(op.record.name) },
      createdAt: '2024-04-03T10:00:00.000Z',
      updatedAt: '2024-05-01T10:00:00.000Z',
      archived: false,
      objectWriteTraceId: op.idempotencyKey,
      ...extra,
    });
    api()
      .post('/crm/v3/objects/companies/batch/update', {
        inputs: [
          {
            id: '5001',
            properties: { name: 'Acme Machining Inc.', hub_id: 'cus_1' },
            objectWriteTraceId: 'key-1',
          },
        ],
      })
      .reply(200, {
        status: 'COMPLETE',
        results: [saved('5001', known)],
        startedAt: '2024-05-01T10:00:00.000Z',
        completedAt: '2024-05-01T10:00:00.100Z',
      });
    api()
      .post('/crm/v3/objects/companies/batch/upsert', {
        inputs: [
          {
            idProperty: 'hub_id',
            id: 'cus_2',
            properties: { name: 'Borg Castings' },
            objectWriteTraceId: 'key-2',
          },
        ],
      })
      .reply(200, {
        status: 'COMPLETE',
        results: [saved('5002', fresh, { new: true })],
        startedAt: '2024-05-01T10:00:01.000Z',
        completedAt: '2024-05-01T10:00:01.100Z',
      });
    const results = await hubspot.write(ctx, 'companies', [known, fresh]);
    expect(results).toEqual([
      { ok: true, idempotencyKey: 'key-1', externalId: '5001', created: false },
      { ok: true, idempotencyKey: 'key-2', externalId: '5002', created: true },
    ]);
    expect(nock.pendingMocks()).toEqual([]);
  });

  it('reports an update of an object that is gone from HubSpot as not found', async () => {
    const ctx = makeContext(makeConfig());
    const ops = [
      { ...upsert(1, { name: 'Acme' }), externalId: '5001' },
      { ...upsert(2, { name: 'Merged away' }), externalId: '5999' },
    ];
    api()
      .post('/crm/v3/objects/companies/batch/update')
      .reply(207, {
        status: 'COMPLETE',
        results: [
          {
            id: '5001',
            properties: { hub_id: 'cus_1', name: 'Acme' },
            createdAt: '2024-04-03T10:00:00.000Z',
            updatedAt: '2024-05-01T10:00:00.000Z',
            archived: false,
            objectWriteTraceId: 'key-1',
          },
        ],
        numErrors: 1,
        errors: [
          {
            status: 'error',
            category: 'OBJECT_NOT_FOUND',
            message:
              'Could not get some COMPANY objects, they may be deleted or not exist. Check that ids are valid.',
            context: { ids: ['5999'] },
          },
        ],
        startedAt: '2024-05-01T10:00:00.000Z',
        completedAt: '2024-05-01T10:00:00.100Z',
      });
    const results = await hubspot.write(ctx, 'companies', ops);
    expect(results[0]).toEqual({ ok: true, idempotencyKey: 'key-1', externalId: '5001', created: false });
    expect(results[1]).toMatchObject({
      ok: false,
      idempotencyKey: 'key-2',
      error: { kind: 'not_found', code: 'object_not_found' },
    });
    expect(nock.pendingMocks()).toEqual([]);
  });

  it('splits a batch HubSpot refuses as a whole until only the bad record fails, with its own message', async () => {
    const ctx = makeContext(makeConfig());
    const ops = ['a@example.com', 'not-an-email', 'c@example.com'].map((email, index) =>
      upsert(index, { email }),
    );
    const inputs = (...indexes: number[]) => ({
      inputs: indexes.map((index) => ({
        idProperty: 'hub_id',
        id: ops[index]!.canonicalId,
        properties: ops[index]!.record,
        objectWriteTraceId: ops[index]!.idempotencyKey,
      })),
    });
    const invalidEmail = {
      status: 'error',
      message:
        'Property values were not valid: [{"isValid":false,"message":"Email address not-an-email is invalid","error":"INVALID_EMAIL","name":"email"}]',
      correlationId: 'aeb5f871-7f07-4993-9211-075dc63e7cbf',
      category: 'VALIDATION_ERROR',
    };
    const created = (index: number) => ({
      status: 'COMPLETE',
      results: [
        {
          id: String(6000 + index),
          properties: { hub_id: ops[index]!.canonicalId, email: String(ops[index]!.record.email) },
          createdAt: '2024-05-01T10:00:00.000Z',
          updatedAt: '2024-05-01T10:00:00.000Z',
          archived: false,
          new: true,
          objectWriteTraceId: ops[index]!.idempotencyKey,
        },
      ],
      startedAt: '2024-05-01T10:00:00.000Z',
      completedAt: '2024-05-01T10:00:00.100Z',
    });
    const upsertUrl = '/crm/v3/objects/contacts/batch/upsert';
    api()
      .post(upsertUrl, inputs(0, 1, 2))
      .reply(400, invalidEmail);
    api().post(upsertUrl, inputs(0, 1)).reply(400, invalidEmail);
    api().post(upsertUrl, inputs(0)).reply(200, created(0));
    api().post(upsertUrl, inputs(1)).reply(400, invalidEmail);
    api().post(upsertUrl, inputs(2)).reply(200, created(2));
    const results = await hubspot.write(ctx, 'contacts', ops);
    expect(results.map((result) => result.ok)).toEqual([true, false, true]);
    expect(results[1]).toMatchObject({
      error: {
        kind: 'invalid_data',
        code: 'validation_error',
        message: expect.stringContaining('not-an-email'),
      },
    });
    expect(nock.pendingMocks()).toEqual([]);
  });

  it('archives by HubSpot id', async () => {
    const ctx = makeContext(makeConfig());
    api()
      .post('/crm/v3/objects/contacts/batch/archive', { inputs: [{ id: '6001' }] })
      .reply(204);
    const results = await hubspot.write(ctx, 'contacts', [
      { idempotencyKey: 'd1', action: 'delete', canonicalId: 'con_1', externalId: '6001', record: {} },
    ]);
    expect(results).toEqual([{ ok: true, idempotencyKey: 'd1', externalId: '6001', created: false }]);
    expect(nock.pendingMocks()).toEqual([]);
  });
});

describe('HubSpot webhooks', () => {
  const secret = 'client-secret-1';
  const url = 'https://hub.example.com/api/webhooks/hubspot/hs-1';
  const rawBody = Buffer.from(JSON.stringify(fixture('webhook-events')));

  function request(signature: string, timestamp: string, raw = rawBody): WebhookRequest {
    return {
      method: 'POST',
      url,
      rawBody: raw,
      body: JSON.parse(raw.toString('utf8')),
      headers: {
        'x-hubspot-signature-v3': signature,
        'x-hubspot-request-timestamp': timestamp,
        'content-type': 'application/json',
      },
    };
  }

  const ctx = () => makeContext(makeConfig({ webhookSecret: secret }));

  function signed(events: unknown): WebhookRequest {
    const raw = JSON.stringify(events);
    const timestamp = String(Date.now());
    return request(signRequest(secret, 'POST', url, raw, timestamp), timestamp, Buffer.from(raw));
  }

  it('accepts a correctly signed request and turns its events into changes', async () => {
    const timestamp = String(Date.now());
    const events = await hubspot.webhook?.(
      ctx(),
      request(signRequest(secret, 'POST', url, rawBody.toString('utf8'), timestamp), timestamp),
    );
    expect(events).toEqual([
      {
        eventId: '62515:2001:1001',
        stream: 'companies',
        externalId: '5001',
        action: 'upsert',
        occurredAt: '2024-05-01T10:00:00.000Z',
      },
      {
        eventId: '62515:2002:1002',
        stream: 'contacts',
        externalId: '6001',
        action: 'delete',
        occurredAt: '2024-05-01T10:00:01.000Z',
      },
    ]);
  });

  it('reads association changes, GDPR deletions and merges, each event on its own', async () => {
    const events = await hubspot.webhook?.(ctx(), signed(fixture('webhook-events-other-types')));
    expect(
      events?.map((event) => `${event.eventId} ${event.stream} ${event.action} ${event.externalId}`),
    ).toEqual([
      '62515:2001:1101 companies upsert 5001',
      '62515:2009:1102 deals upsert 9001',
      '62515:2010:1103 contacts delete 6001',
      '62515:2011:1104:merged:5003 companies delete 5003',
      '62515:2011:1104:merged:5004 companies delete 5004',
      '62515:2011:1104 companies upsert 5002',
    ]);
  });

  it('skips an event it cannot read and keeps the rest of the delivery', async () => {
    const [change] = fixture('webhook-events') as object[];
    const broken = { ...change, eventId: 1009, objectId: undefined };
    const events = await hubspot.webhook?.(ctx(), signed([broken, change]));
    expect(events?.map((event) => event.eventId)).toEqual(['62515:2001:1001']);
  });

  it('refuses a bad signature', async () => {
    const timestamp = String(Date.now());
    const forged = signRequest('another-secret', 'POST', url, rawBody.toString('utf8'), timestamp);
    await expect(hubspot.webhook?.(ctx(), request(forged, timestamp))).rejects.toMatchObject({
      kind: 'auth',
      code: 'signature_invalid',
    });
  });

  it('refuses a request signed more than five minutes ago', async () => {
    const timestamp = String(Date.now() - 6 * 60_000);
    const signature = signRequest(secret, 'POST', url, rawBody.toString('utf8'), timestamp);
    await expect(hubspot.webhook?.(ctx(), request(signature, timestamp))).rejects.toMatchObject({
      kind: 'auth',
      code: 'signature_expired',
    });
  });
});

describe('HubSpot check', () => {
  const missingScopes = {
    status: 'error',
    message: "This app hasn't been granted all required scopes to make this call.",
    correlationId: 'c-1',
    category: 'MISSING_SCOPES',
  };
  /** A portal's deal properties as GET /crm/v3/properties/deals answers, the hub's own among them. */
  const dealProperties = () =>
    fixture('deal-properties') as { results: Array<{ name: string; type: string; hasUniqueValue: boolean }> };

  it('says what works and what does not, object by object', async () => {
    const ctx = makeContext(makeConfig());
    api().get('/account-info/v3/details').reply(200, fixture('account-details'));
    for (const type of ['companies', 'contacts', 'products']) {
      api().get(`/crm/v3/objects/${type}`).query({ limit: '1' }).reply(200, { results: [] });
      api().get(`/crm/v3/properties/${type}`).reply(200, dealProperties());
    }
    api().get('/crm/v3/objects/deals').query({ limit: '1' }).reply(403, missingScopes);
    api().get('/crm/v3/properties/deals').reply(403, missingScopes);
    const result = await hubspot.check(ctx);
    expect(result.ok).toBe(false);
    expect(result.checks.map((check) => `${check.ok ? 'ok' : 'FAIL'} ${check.message}`)).toEqual([
      'ok Signed in to HubSpot account 62515 with the private app token',
      'ok companies can be read',
      'ok companies are upserted on hub_id',
      'ok contacts can be read',
      'ok contacts are upserted on hub_id',
      'ok products can be read',
      'ok products are upserted on hub_id',
      "FAIL Read deals: HubSpot MISSING_SCOPES: This app hasn't been granted all required scopes to make this call.",
      'ok deals properties not checked: the app may not read their definitions (a crm.schemas read scope)',
    ]);
    expect(nock.pendingMocks()).toEqual([]);
  });

  it('names a missing id property and push-back properties that are missing or of the wrong type', async () => {
    const pushBack = {
      promiseDate: 'promise_date',
      bufferStatus: 'buffer_colour',
      throughputPerConstraintMinute: 't_per_cm',
    };
    const ctx = makeContext(makeConfig({ pushBack }));
    api().get('/account-info/v3/details').reply(200, fixture('account-details'));
    for (const type of ['companies', 'contacts', 'products', 'deals'])
      api().get(`/crm/v3/objects/${type}`).query({ limit: '1' }).reply(200, { results: [] });
    const withoutId = dealProperties().results.filter((property) => property.name !== 'hub_id');
    api().get('/crm/v3/properties/companies').reply(200, { results: withoutId });
    const notUnique = dealProperties().results.map((property) => ({ ...property, hasUniqueValue: false }));
    api().get('/crm/v3/properties/contacts').reply(200, { results: notUnique });
    api().get('/crm/v3/properties/products').reply(200, dealProperties());
    // promise_date turned into a calculated property: HubSpot keeps its value read-only.
    const calculated = dealProperties().results.map((property) =>
      property.name === 'promise_date'
        ? {
            ...property,
            calculated: true,
            modificationMetadata: { archivable: true, readOnlyDefinition: false, readOnlyValue: true },
          }
        : property,
    );
    api().get('/crm/v3/properties/deals').reply(200, { results: calculated });
    const result = await hubspot.check(ctx);
    expect(result.ok).toBe(false);
    expect(result.checks.filter((check) => check.name.startsWith('properties:'))).toEqual([
      {
        name: 'properties:companies',
        ok: false,
        message: 'companies: it has no property hub_id, so the hub cannot upsert companies',
      },
      {
        name: 'properties:contacts',
        ok: false,
        message: 'contacts: hub_id is not a unique property, so upserts on it are refused',
      },
      { name: 'properties:products', ok: true, message: 'products are upserted on hub_id' },
      {
        name: 'properties:deals',
        ok: false,
        message:
          'deals: promise_date (pushBack.promiseDate) cannot be edited by this user; buffer_colour (pushBack.bufferStatus) does not exist; t_per_cm (pushBack.throughputPerConstraintMinute) is a string property, not number',
      },
    ]);
    expect(nock.pendingMocks()).toEqual([]);
  });

  it('says which deal properties take the TOC results when all are there', async () => {
    const ctx = makeContext(
      makeConfig({ pushBack: { promiseDate: 'promise_date', bufferStatus: 'buffer_status' } }),
    );
    api().get('/account-info/v3/details').reply(200, fixture('account-details'));
    for (const type of ['companies', 'contacts', 'products', 'deals']) {
      api().get(`/crm/v3/objects/${type}`).query({ limit: '1' }).reply(200, { results: [] });
      api().get(`/crm/v3/properties/${type}`).reply(200, dealProperties());
    }
    const result = await hubspot.check(ctx);
    expect(result.ok).toBe(true);
    expect(result.checks.at(-1)).toEqual({
      name: 'properties:deals',
      ok: true,
      message: 'deals are upserted on hub_id, and promise_date, buffer_status take the TOC results',
    });
  });

  it('names a buffer-status property that cannot hold a colour', async () => {
    const ctx = makeContext(makeConfig({ pushBack: { bufferStatus: 'closedate' } }));
    api().get('/account-info/v3/details').reply(200, fixture('account-details'));
    for (const type of ['companies', 'contacts', 'products', 'deals']) {
      api().get(`/crm/v3/objects/${type}`).query({ limit: '1' }).reply(200, { results: [] });
      api().get(`/crm/v3/properties/${type}`).reply(200, dealProperties());
    }
    const result = await hubspot.check(ctx);
    expect(result.checks.at(-1)).toEqual({
      name: 'properties:deals',
      ok: false,
      message: 'deals: closedate (pushBack.bufferStatus) is a datetime property, not enumeration or string',
    });
  });
});
