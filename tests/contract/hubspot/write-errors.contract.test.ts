import nock from 'nock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { hubspot } from '../../../connectors/hubspot/index.ts';
import type { WriteOp } from '../../../core/connector/types.ts';
import { api, fixture, makeConfig, makeContext } from './harness.ts';

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());

const upsertUrl = '/crm/v3/objects/companies/batch/upsert';

type UpsertOp = WriteOp & { record: Record<string, string> };

function upsertOp(index: number, properties: Record<string, string>): UpsertOp {
  return {
    idempotencyKey: `key-${index}`,
    action: 'upsert',
    canonicalId: `cus_${index}`,
    record: properties,
  };
}

function inputOf(op: UpsertOp) {
  return {
    idProperty: 'hub_id',
    id: op.canonicalId,
    properties: op.record,
    objectWriteTraceId: op.idempotencyKey,
  };
}

describe('HubSpot write errors', () => {
  // A 400 VALIDATION_ERROR names the properties only inside its message, as a JSON list.
  it('names the property of a dropdown value HubSpot does not offer', async () => {
    const op = upsertOp(1, { name: 'Acme Machining', buffer_status: 'amber' });
    api()
      .post(upsertUrl, { inputs: [inputOf(op)] })
      .reply(400, fixture('error-invalid-option'));
    const [result] = await hubspot.write(makeContext(makeConfig()), 'companies', [op]);
    expect(result).toEqual({
      ok: false,
      idempotencyKey: 'key-1',
      error: {
        kind: 'invalid_data',
        code: 'validation_error',
        message: expect.stringContaining('amber was not one of the allowed options'),
        fieldPath: 'properties.buffer_status',
      },
    });
    expect(nock.pendingMocks()).toEqual([]);
  });

  it('names every property that does not exist in the portal', async () => {
    const op = upsertOp(2, { name: 'Borg Castings', promise_date: '2024-06-14', throughput: '12.5' });
    api()
      .post(upsertUrl, { inputs: [inputOf(op)] })
      .reply(400, fixture('error-property-doesnt-exist'));
    const [result] = await hubspot.write(makeContext(makeConfig()), 'companies', [op]);
    expect(result).toMatchObject({
      ok: false,
      error: {
        kind: 'invalid_data',
        code: 'validation_error',
        fieldPath: 'properties.promise_date,properties.throughput',
      },
    });
    expect(nock.pendingMocks()).toEqual([]);
  });

  // The documented error shape names the property in `errors[].in`.
  it('names the property an error detail points at', async () => {
    const op = upsertOp(3, { name: 'Crane Foundry', numberofemployees: 'about 40' });
    api()
      .post(upsertUrl, { inputs: [inputOf(op)] })
      .reply(400, fixture('error-validation-in'));
    const [result] = await hubspot.write(makeContext(makeConfig()), 'companies', [op]);
    expect(result).toMatchObject({
      ok: false,
      error: { kind: 'invalid_data', code: 'validation_error', fieldPath: 'properties.numberofemployees' },
    });
    expect(nock.pendingMocks()).toEqual([]);
  });

  // A batch with one contact whose email another contact holds is refused whole with a 409.
  it('splits a batch refused with a 409 until only the duplicate contact fails, naming the existing id', async () => {
    const ops = ['a@example.com', 'taken@example.com', 'c@example.com'].map((email, index) =>
      upsertOp(index, { email }),
    );
    const url = '/crm/v3/objects/contacts/batch/upsert';
    const saved = (index: number) => ({
      status: 'COMPLETE',
      results: [
        {
          id: String(7000 + index),
          properties: { hub_id: ops[index]!.canonicalId, email: ops[index]!.record.email },
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
    const body = (...indexes: number[]) => ({ inputs: indexes.map((index) => inputOf(ops[index]!)) });
    api()
      .post(url, body(0, 1, 2))
      .reply(409, fixture('error-contact-exists'));
    api().post(url, body(0, 1)).reply(409, fixture('error-contact-exists'));
    api().post(url, body(0)).reply(200, saved(0));
    api().post(url, body(1)).reply(409, fixture('error-contact-exists'));
    api().post(url, body(2)).reply(200, saved(2));
    const results = await hubspot.write(makeContext(makeConfig()), 'contacts', ops);
    expect(results.map((result) => result.ok)).toEqual([true, false, true]);
    expect(results[1]).toEqual({
      ok: false,
      idempotencyKey: 'key-1',
      error: {
        kind: 'conflict',
        code: 'conflict',
        message: expect.stringContaining('Existing ID: 2926551'),
      },
    });
    expect(nock.pendingMocks()).toEqual([]);
  });

  // A 207 error may name the property only inside its message, like a 400 does.
  it('names the property of a multi-status error from the list in its message', async () => {
    const ops = [
      upsertOp(4, { name: 'Dyna Tools' }),
      upsertOp(5, { name: 'Elm Works', industry: 'FORGING' }),
    ];
    api()
      .post(upsertUrl, { inputs: ops.map(inputOf) })
      .reply(207, {
        status: 'COMPLETE',
        results: [
          {
            id: '5004',
            properties: { hub_id: 'cus_4', name: 'Dyna Tools' },
            createdAt: '2024-05-01T10:00:00.000Z',
            updatedAt: '2024-05-01T10:00:00.000Z',
            archived: false,
            new: true,
            objectWriteTraceId: 'key-4',
          },
        ],
        numErrors: 1,
        errors: [
          {
            status: 'error',
            category: 'VALIDATION_ERROR',
            message:
              'Property values were not valid: [{"isValid":false,"message":"FORGING was not one of the allowed options","error":"INVALID_OPTION","name":"industry"}]',
            context: { objectWriteTraceId: ['key-5'] },
          },
        ],
        startedAt: '2024-05-01T10:00:00.000Z',
        completedAt: '2024-05-01T10:00:00.100Z',
      });
    const results = await hubspot.write(makeContext(makeConfig()), 'companies', ops);
    expect(results[0]).toMatchObject({ ok: true, externalId: '5004' });
    expect(results[1]).toMatchObject({
      ok: false,
      error: { kind: 'invalid_data', code: 'validation_error', fieldPath: 'properties.industry' },
    });
    expect(nock.pendingMocks()).toEqual([]);
  });
});
