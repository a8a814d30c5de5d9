import nock from 'nock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { salesforce } from '../../../connectors/salesforce/index.ts';
import type { WriteOp } from '../../../core/connector/types.ts';
import { api, csvFixture, data, fixture, makeConfig, makeContext, storeSession } from './harness.ts';

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());

async function signedIn(overrides: Record<string, unknown> = {}) {
  const ctx = makeContext(makeConfig(overrides));
  await storeSession(ctx.state);
  return ctx;
}

function upsert(index: number, record: Record<string, unknown>): WriteOp {
  return { idempotencyKey: `key-${index}`, action: 'upsert', canonicalId: `cus_${index}`, record };
}

const ok = (index: number) => ({
  id: `001Hs0000${String(index).padStart(6, '0')}IAA`,
  success: true,
  errors: [],
  created: index % 2 === 0,
});
const badName = {
  success: false,
  errors: [
    {
      statusCode: 'REQUIRED_FIELD_MISSING',
      message: 'Required fields are missing: [Name]',
      fields: ['Name'],
    },
  ],
};

describe('Salesforce writes', () => {
  it('upserts 201 accounts in collections of 200 on the external id, one bad record failing alone', async () => {
    const ctx = await signedIn();
    const ops = Array.from({ length: 201 }, (_, index) =>
      upsert(index, index === 57 ? { Name: null } : { Name: `Customer ${index}` }),
    );
    const body = (from: number, to: number) => ({
      allOrNone: false,
      records: ops
        .slice(from, to)
        .map((op) => ({ attributes: { type: 'Account' }, ...op.record, Hub_Id__c: op.canonicalId })),
    });
    const path = `${data}/composite/sobjects/Account/Hub_Id__c`;
    api()
      .patch(path, body(0, 200))
      .reply(
        200,
        Array.from({ length: 200 }, (_, index) => (index === 57 ? badName : ok(index))),
      );
    api()
      .patch(path, body(200, 201))
      .reply(200, [ok(200)]);
    const results = await salesforce.write(ctx, 'accounts', ops);
    expect(results).toHaveLength(201);
    expect(results.filter((result) => !result.ok)).toEqual([
      {
        ok: false,
        idempotencyKey: 'key-57',
        error: {
          kind: 'invalid_data',
          code: 'required_field_missing',
          message: 'Required fields are missing: [Name]',
          fieldPath: 'Name',
        },
      },
    ]);
    expect(results[200]).toEqual({
      ok: true,
      idempotencyKey: 'key-200',
      externalId: '001Hs0000000200IAA',
      created: true,
    });
    expect(nock.pendingMocks()).toEqual([]);
  });

  it('updates records whose Salesforce Id is known through the update collection, never an upsert on Id', async () => {
    const ctx = await signedIn();
    const ops: WriteOp[] = [
      { ...upsert(1, { Name: 'Acme Forge' }), externalId: '001Hs00001AaAaAIAA' },
      { ...upsert(2, { Name: 'Gone Ltd' }), externalId: '001Hs00001ZzZzZIAZ' },
    ];
    api()
      .patch(`${data}/composite/sobjects`, {
        allOrNone: false,
        records: [
          {
            attributes: { type: 'Account' },
            Name: 'Acme Forge',
            Hub_Id__c: 'cus_1',
            Id: '001Hs00001AaAaAIAA',
          },
          { attributes: { type: 'Account' }, Name: 'Gone Ltd', Hub_Id__c: 'cus_2', Id: '001Hs00001ZzZzZIAZ' },
        ],
      })
      .reply(200, fixture('update-collection-results'));
    expect(await salesforce.write(ctx, 'accounts', ops)).toEqual([
      { ok: true, idempotencyKey: 'key-1', externalId: '001Hs00001AaAaAIAA', created: false },
      {
        ok: false,
        idempotencyKey: 'key-2',
        error: { kind: 'not_found', code: 'entity_is_deleted', message: 'entity is deleted' },
      },
    ]);
    expect(nock.pendingMocks()).toEqual([]);
  });

  it('pushes TOC results into the fields the org configured and drops the rest', async () => {
    const ctx = await signedIn({
      pushBack: { promiseDate: 'Promise_Date__c', bufferStatus: 'Buffer_Status__c' },
    });
    const op = upsert(1, {
      Status: 'Activated',
      toc: { promiseDate: '2024-06-14', bufferStatus: 'red', throughputPerConstraintMinute: 12.5 },
    });
    api()
      .patch(`${data}/composite/sobjects/Order/Hub_Id__c`, {
        allOrNone: false,
        records: [
          {
            attributes: { type: 'Order' },
            Status: 'Activated',
            Promise_Date__c: '2024-06-14',
            Buffer_Status__c: 'red',
            Hub_Id__c: 'cus_1',
          },
        ],
      })
      .reply(200, [{ id: '801Hs00000OrD01IAA', success: true, errors: [], created: false }]);
    expect(await salesforce.write(ctx, 'orders', [op])).toEqual([
      { ok: true, idempotencyKey: 'key-1', externalId: '801Hs00000OrD01IAA', created: false },
    ]);
    expect(nock.pendingMocks()).toEqual([]);
  });

  it('deletes by Salesforce id and says so when no id is known', async () => {
    const ctx = await signedIn();
    api()
      .delete(`${data}/composite/sobjects`)
      .query({ ids: '003Hs00000CoN01IAA', allOrNone: 'false' })
      .reply(200, [{ id: '003Hs00000CoN01IAA', success: true, errors: [] }]);
    const results = await salesforce.write(ctx, 'contacts', [
      {
        idempotencyKey: 'd1',
        action: 'delete',
        canonicalId: 'con_1',
        externalId: '003Hs00000CoN01IAA',
        record: {},
      },
      { idempotencyKey: 'd2', action: 'delete', canonicalId: 'con_2', record: {} },
    ]);
    expect(results[0]).toEqual({
      ok: true,
      idempotencyKey: 'd1',
      externalId: '003Hs00000CoN01IAA',
      created: false,
    });
    expect(results[1]).toMatchObject({ ok: false, error: { kind: 'not_found', code: 'no_external_id' } });
    expect(nock.pendingMocks()).toEqual([]);
  });

  it('sends large batches through a Bulk API 2.0 ingest job and maps its results back', async () => {
    const ctx = await signedIn({ bulkWriteThreshold: 2 });
    const ops = [
      upsert(1, { Name: 'Acme Machining' }),
      upsert(2, { Name: 'Borg Castings' }),
      upsert(3, { Name: null }),
    ];
    const job = `${data}/jobs/ingest/750Hs00000InGs1IAA`;
    api()
      .post(`${data}/jobs/ingest`, {
        object: 'Account',
        externalIdFieldName: 'Hub_Id__c',
        contentType: 'CSV',
        operation: 'upsert',
        lineEnding: 'LF',
      })
      .reply(200, fixture('bulk-ingest-job'));
    api()
      .put(`${job}/batches`, 'Name,Hub_Id__c\nAcme Machining,cus_1\nBorg Castings,cus_2\n#N/A,cus_3\n')
      .matchHeader('content-type', 'text/csv')
      .reply(201);
    api().patch(job, { state: 'UploadComplete' }).reply(200, fixture('bulk-ingest-job-upload-complete'));
    api().get(job).reply(200, fixture('bulk-ingest-job-complete'));
    api()
      .get(`${job}/successfulResults/`)
      .reply(200, csvFixture('bulk-ingest-successful'), { 'Content-Type': 'text/csv' });
    api()
      .get(`${job}/failedResults/`)
      .reply(200, csvFixture('bulk-ingest-failed'), { 'Content-Type': 'text/csv' });
    const results = await salesforce.write(ctx, 'accounts', ops);
    expect(results).toEqual([
      { ok: true, idempotencyKey: 'key-1', externalId: '001Hs00001NeW1IAA', created: true },
      { ok: true, idempotencyKey: 'key-2', externalId: '001Hs00001BbBbBIAB', created: false },
      {
        ok: false,
        idempotencyKey: 'key-3',
        error: {
          kind: 'invalid_data',
          code: 'required_field_missing',
          message: 'Required fields are missing: [Name]',
          fieldPath: 'Name',
        },
      },
    ]);
    expect(nock.pendingMocks()).toEqual([]);
  });

  // A lookup to an Id the org does not hold (the account was never synced, or was deleted there).
  it('reports a lookup to a record Salesforce does not hold as a missing reference', async () => {
    const ctx = await signedIn();
    const op = upsert(1, { LastName: 'Okafor', AccountId: '001Hs00009ZzZzZIAZ' });
    api()
      .patch(`${data}/composite/sobjects/Contact/Hub_Id__c`, {
        allOrNone: false,
        records: [{ attributes: { type: 'Contact' }, ...op.record, Hub_Id__c: 'cus_1' }],
      })
      .reply(200, [
        {
          success: false,
          errors: [
            { statusCode: 'INVALID_CROSS_REFERENCE_KEY', message: 'invalid cross reference id', fields: [] },
          ],
        },
      ]);
    expect(await salesforce.write(ctx, 'contacts', [op])).toEqual([
      {
        ok: false,
        idempotencyKey: 'key-1',
        error: {
          kind: 'not_found',
          code: 'invalid_cross_reference_key',
          message: 'invalid cross reference id',
        },
      },
    ]);
    expect(nock.pendingMocks()).toEqual([]);
  });

  // A failed row with no field ends its sf__Error in ":--", as Salesforce writes it.
  it('reads Bulk API errors that name no field: a locked row is retried, a bad lookup is a missing reference', async () => {
    const ctx = await signedIn({ bulkWriteThreshold: 2 });
    const ops = [
      upsert(1, { Name: 'Acme Machining', ParentId: '001Hs00001PaReNIAA' }),
      upsert(2, { Name: 'Borg Castings', ParentId: '001Hs00001PaReNIAA' }),
      upsert(3, { Name: 'Crane Foundry', ParentId: '001Hs00009ZzZzZIAZ' }),
    ];
    const job = `${data}/jobs/ingest/750Hs00000InGs1IAA`;
    api().post(`${data}/jobs/ingest`).reply(200, fixture('bulk-ingest-job'));
    api().put(`${job}/batches`).reply(201);
    api().patch(job, { state: 'UploadComplete' }).reply(200, fixture('bulk-ingest-job-upload-complete'));
    api().get(job).reply(200, fixture('bulk-ingest-job-complete'));
    api()
      .get(`${job}/successfulResults/`)
      .reply(200, csvFixture('bulk-ingest-successful-one'), { 'Content-Type': 'text/csv' });
    api()
      .get(`${job}/failedResults/`)
      .reply(200, csvFixture('bulk-ingest-failed-lock'), { 'Content-Type': 'text/csv' });
    const results = await salesforce.write(ctx, 'accounts', ops);
    expect(results).toEqual([
      { ok: true, idempotencyKey: 'key-1', externalId: '001Hs00001NeW1IAA', created: true },
      {
        ok: false,
        idempotencyKey: 'key-2',
        error: {
          kind: 'transient',
          code: 'unable_to_lock_row',
          message: 'unable to obtain exclusive access to this record or 1 records: 001Hs00001PaReNIAA',
        },
      },
      {
        ok: false,
        idempotencyKey: 'key-3',
        error: {
          kind: 'not_found',
          code: 'invalid_cross_reference_key',
          message: 'invalid cross reference id',
        },
      },
    ]);
    expect(nock.pendingMocks()).toEqual([]);
  });

  // A delete retried after its answer was lost finds the record already in the recycle bin.
  it('counts a delete whose record is already deleted as done', async () => {
    const ctx = await signedIn();
    api()
      .delete(`${data}/composite/sobjects`)
      .query({ ids: '003Hs00000CoN01IAA', allOrNone: 'false' })
      .reply(200, [
        {
          id: '003Hs00000CoN01IAA',
          success: false,
          errors: [{ statusCode: 'ENTITY_IS_DELETED', message: 'entity is deleted', fields: [] }],
        },
      ]);
    const results = await salesforce.write(ctx, 'contacts', [
      {
        idempotencyKey: 'd1',
        action: 'delete',
        canonicalId: 'con_1',
        externalId: '003Hs00000CoN01IAA',
        record: {},
      },
    ]);
    expect(results).toEqual([
      { ok: true, idempotencyKey: 'd1', externalId: '003Hs00000CoN01IAA', created: false },
    ]);
    expect(nock.pendingMocks()).toEqual([]);
  });
});

describe('Salesforce check', () => {
  it('says what works and what does not, object by object', async () => {
    const ctx = await signedIn();
    api()
      .get('/services/data/')
      .reply(200, fixture('versions'), { 'Sforce-Limit-Info': 'api-usage=120/15000' });
    const describeAs = (name: string) => ({ ...(fixture('describe-account') as object), name });
    api().get(`${data}/sobjects/Account/describe`).reply(200, describeAs('Account'));
    api().get(`${data}/sobjects/Contact/describe`).reply(200, fixture('describe-contact-no-external-id'));
    api().get(`${data}/sobjects/Product2/describe`).reply(200, describeAs('Product2'));
    api().get(`${data}/sobjects/Opportunity/describe`).reply(200, describeAs('Opportunity'));
    api()
      .get(`${data}/sobjects/Order/describe`)
      .reply(404, [{ errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' }]);
    const result = await salesforce.check(ctx);
    expect(result.ok).toBe(false);
    expect(result.checks.map((check) => `${check.ok ? 'ok' : 'FAIL'} ${check.message}`)).toEqual([
      'ok Signed in to https://acme.my.salesforce.com with the refresh token',
      'ok API version 62.0 is available',
      'ok Account can be read and upserted on Hub_Id__c',
      'FAIL Contact can be read, but Hub_Id__c does not exist, so writes would fail',
      'ok Product2 can be read and upserted on Hub_Id__c',
      'ok Opportunity can be read and upserted on Hub_Id__c',
      'FAIL Describe Order: Salesforce NOT_FOUND: The requested resource does not exist',
      'ok 120 of 15000 daily API requests used (1%)',
    ]);
    expect(nock.pendingMocks()).toEqual([]);
  });

  /** The org answers the Opportunity describe with its fixture, every other sObject's with `others`. */
  function describeOrg(others: string) {
    api().get('/services/data/').reply(200, fixture('versions'));
    for (const sobject of ['Account', 'Contact', 'Product2', 'Order'])
      api()
        .get(`${data}/sobjects/${sobject}/describe`)
        .reply(200, { ...(fixture(others) as object), name: sobject });
    api().get(`${data}/sobjects/Opportunity/describe`).reply(200, fixture('describe-opportunity'));
  }

  it('names the push-back fields an Opportunity lacks, cannot edit or has of the wrong type', async () => {
    const pushBack = {
      promiseDate: 'Promise_Date__c',
      bufferStatus: 'Buffer_Colour__c',
      throughputPerConstraintMinute: 'Throughput_per_Constraint_Minute__c',
    };
    const ctx = await signedIn({ pushBack });
    describeOrg('describe-account');
    const result = await salesforce.check(ctx);
    expect(result.ok).toBe(false);
    expect(result.checks.find((check) => check.name === 'stream:opportunities')).toEqual({
      name: 'stream:opportunities',
      ok: false,
      message:
        'Opportunity can be read and upserted on Hub_Id__c, but Buffer_Colour__c (pushBack.bufferStatus) does not exist; Throughput_per_Constraint_Minute__c (pushBack.throughputPerConstraintMinute) is a string field, not double or currency or percent or int',
    });
    // An Order takes only the promise date, and Account's describe has no such field.
    expect(result.checks.find((check) => check.name === 'stream:orders')).toMatchObject({
      ok: false,
      message:
        'Order can be read and upserted on Hub_Id__c, but Promise_Date__c (pushBack.promiseDate) does not exist',
    });
    expect(result.checks.find((check) => check.name === 'stream:accounts')).toMatchObject({ ok: true });
    expect(nock.pendingMocks()).toEqual([]);
  });

  it('names a buffer-status field that cannot hold a colour', async () => {
    const ctx = await signedIn({ pushBack: { bufferStatus: 'CloseDate' } });
    describeOrg('describe-opportunity');
    const result = await salesforce.check(ctx);
    expect(result.checks.find((check) => check.name === 'stream:opportunities')?.message).toBe(
      'Opportunity can be read and upserted on Hub_Id__c, but CloseDate (pushBack.bufferStatus) is a date field, not picklist or string or textarea',
    );
  });

  it('names a push-back field this user cannot edit', async () => {
    const ctx = await signedIn({ pushBack: { promiseDate: 'Confirmed_Date__c' } });
    describeOrg('describe-opportunity');
    const result = await salesforce.check(ctx);
    expect(result.checks.find((check) => check.name === 'stream:opportunities')?.message).toBe(
      'Opportunity can be read and upserted on Hub_Id__c, but Confirmed_Date__c (pushBack.promiseDate) cannot be edited by this user',
    );
  });
});
