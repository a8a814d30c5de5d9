import nock from 'nock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { hubspot } from '../../../connectors/hubspot/index.ts';
import type { WriteOp } from '../../../core/connector/types.ts';
import { api, fixture, makeConfig, makeContext } from './harness.ts';

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());

const upsertUrl = '/crm/v3/objects/companies/batch/upsert';

type CompanyOp = WriteOp & { record: Record<string, string> };

function company(index: number, properties: Record<string, string>): CompanyOp {
  return {
    idempotencyKey: `key-${index}`,
    action: 'upsert',
    canonicalId: `cus_${index}`,
    record: properties,
  };
}

function inputOf(op: CompanyOp) {
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
    const op = company(1, { name: 'Acme Machining', buffer_status: 'amber' });
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
    const op = company(2, { name: 'Borg Castings', promise_date: '2024-06-14', throughput: '12.5' });
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
});
