import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { hubspot } from '../../../connectors/hubspot/index.ts';
import type { WriteOp } from '../../../core/connector/types.ts';
import { enforceStrictNock } from '../../support/strict-nock.ts';
import { api, makeConfig, makeContext } from './harness.ts';

enforceStrictNock();

const pushBack = {
  promiseDate: 'thub_promise_date',
  throughputPerConstraintMinute: 'thub_throughput_per_constraint_minute',
};

const deal = { dealname: 'Acme - 500 housings', pipeline: 'default', dealstage: 'closedwon' };

function dealOp(key: string, toc: unknown, externalId?: string): WriteOp {
  return {
    idempotencyKey: key,
    action: 'upsert',
    canonicalId: `opp-${key}`,
    ...(externalId ? { externalId } : {}),
    record: { ...deal, toc },
  };
}

type BatchInput = { id: string; properties: Record<string, string | number> };

/** HubSpot's batch answer: each input written, its properties echoed as strings. */
function written(inputs: BatchInput[], ids: string[]) {
  return {
    status: 'COMPLETE',
    results: inputs.map((input, index) => ({
      id: ids[index],
      properties: Object.fromEntries(
        Object.entries(input.properties).map(([name, value]) => [name, String(value)]),
      ),
      createdAt: '2024-05-01T10:00:00.000Z',
      updatedAt: '2024-06-03T10:00:00.000Z',
      archived: false,
      objectWriteTraceId: (input as { objectWriteTraceId?: string }).objectWriteTraceId,
    })),
    startedAt: '2024-06-03T10:00:00.000Z',
    completedAt: '2024-06-03T10:00:00.100Z',
  };
}

/** The deals batch `action` endpoint, once, for exactly `inputs`; HubSpot writes them as deals `ids`. */
function expectBatch(action: 'upsert' | 'update', inputs: BatchInput[], ids: string[]) {
  api().post(`/crm/v3/objects/deals/batch/${action}`, { inputs }).reply(200, written(inputs, ids));
}

/** Writes `op` alone, which must reach HubSpot as exactly `inputs` and come back as deal `externalId`. */
async function expectWrittenAlone(
  ctx: ReturnType<typeof makeContext>,
  op: WriteOp,
  action: 'upsert' | 'update',
  inputs: BatchInput[],
  externalId: string,
) {
  expectBatch(action, inputs, [externalId]);
  expect(await hubspot.write(ctx, 'deals', [op])).toEqual([
    { ok: true, idempotencyKey: op.idempotencyKey, externalId, created: false },
  ]);
}

describe('HubSpot TOC push-back', () => {
  it('writes the promise date as midnight UTC and the score into the deal properties the portal named', async () => {
    const ctx = makeContext(makeConfig({ pushBack }));
    const op = dealOp('k1', {
      promiseDate: '2024-06-14',
      bufferStatus: 'red',
      throughputPerConstraintMinute: 12.5,
    });
    const inputs = [
      {
        idProperty: 'hub_id',
        id: 'opp-k1',
        properties: {
          ...deal,
          thub_promise_date: '1718323200000',
          thub_throughput_per_constraint_minute: 12.5,
        },
        objectWriteTraceId: 'k1',
      },
    ];
    await expectWrittenAlone(ctx, op, 'upsert', inputs, '9001');
  });

  it('sends no TOC result when the connection names no deal property for it', async () => {
    const ctx = makeContext(makeConfig());
    const op = dealOp('k2', { promiseDate: '2024-06-14', throughputPerConstraintMinute: 12.5 });
    const inputs = [{ idProperty: 'hub_id', id: 'opp-k2', properties: deal, objectWriteTraceId: 'k2' }];
    await expectWrittenAlone(ctx, op, 'upsert', inputs, '9002');
  });

  it('clears the score of a deal the hub can no longer score with an empty string', async () => {
    const ctx = makeContext(makeConfig({ pushBack }));
    const op = dealOp('k3', { throughputPerConstraintMinute: null }, '9003');
    const inputs = [
      {
        id: '9003',
        properties: { ...deal, thub_throughput_per_constraint_minute: '', hub_id: 'opp-k3' },
        objectWriteTraceId: 'k3',
      },
    ];
    await expectWrittenAlone(ctx, op, 'update', inputs, '9003');
  });

  it('refuses a deal whose TOC results are not an object on its own and writes the others', async () => {
    const ctx = makeContext(makeConfig({ pushBack }));
    const bad = dealOp('k4', 'soon');
    const good = dealOp('k5', { promiseDate: '2024-07-01' });
    const inputs = [
      {
        idProperty: 'hub_id',
        id: 'opp-k5',
        properties: { ...deal, thub_promise_date: '1719792000000' },
        objectWriteTraceId: 'k5',
      },
    ];
    expectBatch('upsert', inputs, ['9005']);
    expect(await hubspot.write(ctx, 'deals', [bad, good])).toEqual([
      {
        ok: false,
        idempotencyKey: 'k4',
        error: {
          kind: 'invalid_data',
          code: 'invalid_toc_results',
          message: 'toc must be an object of TOC results',
          fieldPath: 'toc',
        },
      },
      { ok: true, idempotencyKey: 'k5', externalId: '9005', created: false },
    ]);
    expect(nock.pendingMocks()).toEqual([]);
  });
});
