import { describe, expect, it } from 'vitest';
import { erpnextConnector } from '../../../connectors/erpnext/index.ts';
import type { WriteOp } from '../../../core/connector/index.ts';
import { enforceStrictNock } from '../../support/strict-nock.ts';
import { api, erpnextContext, fixture } from './harness.ts';

enforceStrictNock();

const customerPath = '/api/resource/Customer/CUST-2026-00006';
const update: WriteOp = {
  idempotencyKey: 'key-c1',
  action: 'upsert',
  canonicalId: 'c1',
  externalId: 'CUST-2026-00006',
  record: { customer_group: 'Commercial' },
};

describe('erpnext write errors', () => {
  it('names every field a MandatoryError lists', async () => {
    api().put(customerPath).reply(417, fixture('error-mandatory-several'));
    const [result] = await erpnextConnector.write(erpnextContext(), 'customers', [update]);
    expect(result).toMatchObject({
      ok: false,
      error: {
        kind: 'invalid_data',
        code: 'erpnext_mandatory_missing',
        fieldPath: 'customer_name,customer_group',
      },
    });
  });

  // Frappe refuses a value longer than its field (a Data field holds 140 characters) instead of cutting it.
  it('reports a value longer than its field as too large, with the message naming the field', async () => {
    api().put(customerPath).reply(417, fixture('error-length-exceeded'));
    const [result] = await erpnextConnector.write(erpnextContext(), 'customers', [update]);
    expect(result).toMatchObject({
      ok: false,
      error: {
        kind: 'invalid_data',
        code: 'erpnext_value_too_large',
        message: expect.stringContaining("'Customer Name'"),
      },
    });
  });

  // Someone saved the document between Frappe loading it for the PUT and saving it: sent again, it
  // is loaded afresh and saved.
  it('sends an update again after a TimestampMismatchError instead of failing it as a duplicate', async () => {
    api().put(customerPath).reply(417, fixture('error-timestamp'));
    api().put(customerPath).reply(200, fixture('customer-created'));
    const [result] = await erpnextConnector.write(erpnextContext(), 'customers', [update]);
    expect(result).toMatchObject({ ok: true, idempotencyKey: 'key-c1' });
  });

  // A document a background job holds (Frappe's document lock) is free again once the job ends.
  it('sends an update again after a DocumentLockedError instead of failing it as bad data', async () => {
    api().put(customerPath).reply(417, fixture('error-document-locked'));
    api().put(customerPath).reply(200, fixture('customer-created'));
    const [result] = await erpnextConnector.write(erpnextContext(), 'customers', [update]);
    expect(result).toMatchObject({ ok: true, idempotencyKey: 'key-c1' });
  });
});
