import nock from 'nock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { salesforce } from '../../../connectors/salesforce/index.ts';
import type { WriteOp } from '../../../core/connector/types.ts';
import { api, data, makeConfig, makeContext, storeSession } from './harness.ts';

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());

const lockedByTrigger =
  'AccountTrigger: execution of AfterUpdate caused by: System.DmlException: Update failed. First exception on row 0 with id 001Hs00001PaReNIAA; first error: UNABLE_TO_LOCK_ROW, unable to obtain exclusive access to this record or 1 records: 001Hs00001PaReNIAA: []';

describe('Salesforce write errors', () => {
  // A trigger or flow that meets a locked row reports it inside CANNOT_INSERT_UPDATE_ACTIVATE_ENTITY.
  it('retries a record whose trigger could not lock a related row', async () => {
    const ctx = makeContext(makeConfig());
    await storeSession(ctx.state);
    const op: WriteOp = {
      idempotencyKey: 'key-1',
      action: 'upsert',
      canonicalId: 'cus_1',
      record: { Name: 'Acme Machining' },
    };
    api()
      .patch(`${data}/composite/sobjects/Account/Hub_Id__c`, {
        allOrNone: false,
        records: [{ attributes: { type: 'Account' }, Name: 'Acme Machining', Hub_Id__c: 'cus_1' }],
      })
      .reply(200, [
        {
          success: false,
          errors: [
            { statusCode: 'CANNOT_INSERT_UPDATE_ACTIVATE_ENTITY', message: lockedByTrigger, fields: [] },
          ],
        },
      ]);
    expect(await salesforce.write(ctx, 'accounts', [op])).toEqual([
      {
        ok: false,
        idempotencyKey: 'key-1',
        error: { kind: 'transient', code: 'cannot_insert_update_activate_entity', message: lockedByTrigger },
      },
    ]);
    expect(nock.pendingMocks()).toEqual([]);
  });
});
