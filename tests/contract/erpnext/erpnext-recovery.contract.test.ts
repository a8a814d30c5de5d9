import { describe, expect, it } from 'vitest';
import { erpnextConnector } from '../../../connectors/erpnext/index.ts';
import type { WriteOp } from '../../../core/connector/index.ts';
import type { HubError } from '../../../core/errors/index.ts';
import { enforceStrictNock } from '../../support/strict-nock.ts';
import { api, erpnextContext, fixture, listQuery } from './harness.ts';

enforceStrictNock();

const soPath = '/api/resource/Sales%20Order';
const op = (overrides: Partial<WriteOp> & { record: Record<string, unknown> }): WriteOp => ({
  idempotencyKey: 'key-c1',
  action: 'upsert',
  canonicalId: 'c1',
  ...overrides,
});
const amendmentOf = (name: string) =>
  listQuery({ fields: ['name', 'docstatus'], filters: [['amended_from', '=', name]], limit: 1 });

describe('erpnext writes retried after a failure', () => {
  it('never re-sends a create whose answer came late; the queue retry finds it and updates', async () => {
    const record = { customer_name: 'Ningbo Hengda Auto Parts Co., Ltd.', customer_group: 'Commercial' };
    const lookup = listQuery({
      fields: ['name'],
      filters: [['customer_name', '=', record.customer_name]],
      limit: 2,
    });
    const ctx = erpnextContext({ timeoutMs: 50 });
    api().get('/api/resource/Customer').query(lookup).reply(200, fixture('empty-list'));
    // ERPNext saves CUST-2026-00005, but its answer arrives after the client gave up: one POST only.
    api()
      .post('/api/resource/Customer', record)
      .reply(async () => {
        await new Promise((resolve) => setTimeout(resolve, 300));
        return [200, fixture('customer-created')];
      });
    const [first] = await erpnextConnector.write(ctx, 'customers', [op({ record })]);
    expect(first).toMatchObject({ ok: false, error: { kind: 'transient', code: 'timeout' } });

    api()
      .get('/api/resource/Customer')
      .query(lookup)
      .reply(200, { data: [{ name: 'CUST-2026-00005' }] });
    api().put('/api/resource/Customer/CUST-2026-00005', record).reply(200, fixture('customer-created'));
    const retried = await erpnextConnector.write(ctx, 'customers', [op({ record })]);
    expect(retried).toEqual([
      { ok: true, idempotencyKey: 'key-c1', externalId: 'CUST-2026-00005', created: false },
    ]);
  });

  it('counts a delete whose document is already gone as done (a retry after a lost answer)', async () => {
    api().delete('/api/resource/Customer/CUST-2026-09999').reply(404, fixture('error-not-found'));
    const results = await erpnextConnector.write(erpnextContext(), 'customers', [
      op({ action: 'delete', externalId: 'CUST-2026-09999', record: {} }),
    ]);
    expect(results).toEqual([
      { ok: true, idempotencyKey: 'key-c1', externalId: 'CUST-2026-09999', created: false },
    ]);
  });

  it('finishes an amend whose copy failed after the cancel: the retry amends the cancelled order and submits the copy', async () => {
    api().get(`${soPath}/SAL-ORD-2026-00001`).reply(200, fixture('sales-order-submitted'));
    api()
      .post('/api/method/frappe.client.cancel', { doctype: 'Sales Order', name: 'SAL-ORD-2026-00001' })
      .reply(200, fixture('sales-order-cancel'));
    api().post(soPath).reply(417, fixture('error-link-validation'));
    const [failed] = await erpnextConnector.write(erpnextContext(), 'sales_orders', [
      op({ externalId: 'SAL-ORD-2026-00001', record: { customer_group: 'Wholesale' } }),
    ]);
    expect(failed).toMatchObject({ ok: false, error: { kind: 'invalid_data' } });

    // Replayed with the data fixed: cancelled, with no amendment yet.
    api().get(`${soPath}/SAL-ORD-2026-00001`).reply(200, fixture('sales-order-cancelled'));
    api().get(soPath).query(amendmentOf('SAL-ORD-2026-00001')).reply(200, fixture('empty-list'));
    api()
      .post(soPath, (body: Record<string, unknown>) => {
        // Submitted like the copy of an amend that was not stopped halfway.
        expect(body).toMatchObject({
          amended_from: 'SAL-ORD-2026-00001',
          customer: 'CUST-2026-00001',
          delivery_date: '2026-12-05',
          docstatus: 1,
        });
        return true;
      })
      .reply(200, fixture('sales-order-amended-submitted'));
    const [replayed] = await erpnextConnector.write(erpnextContext(), 'sales_orders', [
      op({ externalId: 'SAL-ORD-2026-00001', record: { delivery_date: '2026-12-05' } }),
    ]);
    expect(replayed).toEqual({
      ok: true,
      idempotencyKey: 'key-c1',
      externalId: 'SAL-ORD-2026-00001-1',
      created: false,
      replaces: 'SAL-ORD-2026-00001',
    });
  });

  it('finishes an amendment interrupted before its draft was submitted: updates and submits that draft, never a second', async () => {
    // The original was cancelled and its copy saved as a draft by the hub's user; the submit never happened.
    api().get(`${soPath}/SAL-ORD-2026-00001`).reply(200, fixture('sales-order-cancelled'));
    api()
      .get(soPath)
      .query(amendmentOf('SAL-ORD-2026-00001'))
      .reply(200, { data: [{ name: 'SAL-ORD-2026-00001-1', docstatus: 0 }] });
    api().get('/api/method/frappe.auth.get_logged_user').reply(200, fixture('logged-user'));
    api().get(`${soPath}/SAL-ORD-2026-00001-1`).reply(200, fixture('sales-order-amended'));
    api()
      .put(`${soPath}/SAL-ORD-2026-00001-1`, { docstatus: 1, delivery_date: '2026-12-06' })
      .reply(200, fixture('sales-order-amended-submitted'));
    const [retried] = await erpnextConnector.write(erpnextContext(), 'sales_orders', [
      op({ externalId: 'SAL-ORD-2026-00001', record: { delivery_date: '2026-12-06' } }),
    ]);
    expect(retried).toEqual({
      ok: true,
      idempotencyKey: 'key-c1',
      externalId: 'SAL-ORD-2026-00001-1',
      created: false,
      replaces: 'SAL-ORD-2026-00001',
    });
  });

  it('submits an interrupted draft amendment that already holds the record, instead of leaving it a draft', async () => {
    api().get(`${soPath}/SAL-ORD-2026-00001`).reply(200, fixture('sales-order-cancelled'));
    api()
      .get(soPath)
      .query(amendmentOf('SAL-ORD-2026-00001'))
      .reply(200, { data: [{ name: 'SAL-ORD-2026-00001-1', docstatus: 0 }] });
    api().get('/api/method/frappe.auth.get_logged_user').reply(200, fixture('logged-user'));
    api().get(`${soPath}/SAL-ORD-2026-00001-1`).reply(200, fixture('sales-order-amended'));
    api()
      .put(`${soPath}/SAL-ORD-2026-00001-1`, { docstatus: 1, delivery_date: '2026-12-05' })
      .reply(200, fixture('sales-order-amended-submitted'));
    const [retried] = await erpnextConnector.write(erpnextContext(), 'sales_orders', [
      op({ externalId: 'SAL-ORD-2026-00001', record: { delivery_date: '2026-12-05' } }),
    ]);
    expect(retried).toMatchObject({ ok: true, externalId: 'SAL-ORD-2026-00001-1', created: false });
  });

  it('follows a chain of amendments past a cancelled one instead of amending the original again', async () => {
    const amended = (fixture('sales-order-amended') as { data: Record<string, unknown> }).data;
    const cancelledAmendment = { data: { ...amended, docstatus: 2 } };
    const liveAmendment = { data: { ...amended, name: 'SAL-ORD-2026-00001-2' } };
    api().get(`${soPath}/SAL-ORD-2026-00001`).reply(200, fixture('sales-order-cancelled'));
    api()
      .get(soPath)
      .query(amendmentOf('SAL-ORD-2026-00001'))
      .reply(200, { data: [{ name: 'SAL-ORD-2026-00001-1', docstatus: 2 }] });
    api().get(`${soPath}/SAL-ORD-2026-00001-1`).reply(200, cancelledAmendment);
    api()
      .get(soPath)
      .query(amendmentOf('SAL-ORD-2026-00001-1'))
      .reply(200, { data: [{ name: 'SAL-ORD-2026-00001-2', docstatus: 0 }] });
    api().get('/api/method/frappe.auth.get_logged_user').reply(200, fixture('logged-user'));
    api().get(`${soPath}/SAL-ORD-2026-00001-2`).reply(200, liveAmendment);
    api()
      .put(`${soPath}/SAL-ORD-2026-00001-2`, { docstatus: 1, delivery_date: '2026-12-06' })
      .reply(200, { data: { ...liveAmendment.data, docstatus: 1 } });
    const [result] = await erpnextConnector.write(erpnextContext(), 'sales_orders', [
      op({ externalId: 'SAL-ORD-2026-00001', record: { delivery_date: '2026-12-06' } }),
    ]);
    expect(result).toMatchObject({ ok: true, externalId: 'SAL-ORD-2026-00001-2' });
  });
});

describe('erpnext exceptions outside the known list', () => {
  it.each([
    [429, 'TooManyRequestsError', 'rate_limited'],
    [401, 'SessionExpired', 'auth'],
    [401, 'InvalidKeyError', 'auth'],
    [400, 'InvalidAuthorizationToken', 'auth'],
    [403, 'SomeNewPermissionError', 'auth'],
    [409, 'SomeNewConflictError', 'conflict'],
    [417, 'SomeNewValidationError', 'invalid_data'],
  ])('HTTP %s %s is %s', async (status, excType, kind) => {
    api()
      .put('/api/resource/Customer/CUST-1')
      .reply(
        status,
        { exc_type: excType, exception: `frappe.exceptions.${excType}` },
        { 'Retry-After': '120' },
      );
    // A lone record fails with its error; an error of the whole connection stops the batch.
    const outcome = await erpnextConnector
      .write(erpnextContext(), 'customers', [
        op({ externalId: 'CUST-1', record: { customer_group: 'Commercial' } }),
      ])
      .then(
        ([result]) => (result?.ok === false ? result.error.kind : undefined),
        (error: HubError) => error.kind,
      );
    expect(outcome).toBe(kind);
  });
});
