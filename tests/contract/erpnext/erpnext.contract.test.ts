import { describe, expect, it } from 'vitest';
import { erpnextConnector } from '../../../connectors/erpnext/index.ts';
import type { WriteOp } from '../../../core/connector/index.ts';
import { enforceStrictNock } from '../../support/strict-nock.ts';
import {
  api,
  deletedPath,
  deletionsQuery,
  erpnextContext,
  fixture,
  listQuery,
  newestDeletionQuery,
  readAll,
  restoredQuery,
  site,
} from './harness.ts';

enforceStrictNock();

const soPath = '/api/resource/Sales%20Order';
const op = (overrides: Partial<WriteOp> & { record: Record<string, unknown> }): WriteOp => ({
  idempotencyKey: `key-${overrides.canonicalId ?? 'c1'}`,
  action: 'upsert',
  canonicalId: 'c1',
  ...overrides,
});

describe('erpnext check', () => {
  it('names the user behind a good API key', async () => {
    api().get('/api/method/frappe.auth.get_logged_user').reply(200, fixture('logged-user'));
    const result = await erpnextConnector.check(erpnextContext());
    expect(result).toEqual({
      ok: true,
      checks: [{ name: 'login', ok: true, message: `Signed in to ${site} as hub@example.com` }],
    });
  });

  it('reports a refused key in plain words, without retrying', async () => {
    api('wrong').get('/api/method/frappe.auth.get_logged_user').reply(401, fixture('error-authentication'));
    const result = await erpnextConnector.check(erpnextContext({ apiSecret: 'wrong' }));
    expect(result.ok).toBe(false);
    expect(result.checks[0].message).toMatch(/^ERPNext refused the API key and secret/);
  });
});

describe('erpnext incremental reads', () => {
  it('pages by (modified, name) with filters and or_filters until a short page', async () => {
    const ctx = erpnextContext({ pageSize: 2 });
    const base = { fields: ['*'], orderBy: 'modified asc, name asc', limit: 2 };
    api().get(deletedPath).query(newestDeletionQuery('Customer')).reply(200, fixture('empty-list'));
    api().get('/api/resource/Customer').query(listQuery(base)).reply(200, fixture('customers-page1'));
    const after1 = { modified: '2026-11-21 08:00:01.120000', name: 'CUST-2026-00002' };
    api()
      .get('/api/resource/Customer')
      .query(
        listQuery({
          ...base,
          filters: [['modified', '>=', after1.modified]],
          orFilters: [
            ['modified', '>', after1.modified],
            ['name', '>', after1.name],
          ],
        }),
      )
      .reply(200, fixture('customers-page2'));
    const after2 = { modified: '2026-11-21 10:02:17.887001', name: 'CUST-2026-00004' };
    api()
      .get('/api/resource/Customer')
      .query(
        listQuery({
          ...base,
          filters: [['modified', '>=', after2.modified]],
          orFilters: [
            ['modified', '>', after2.modified],
            ['name', '>', after2.name],
          ],
        }),
      )
      .reply(200, fixture('empty-list'));
    // No deletion before the first read: the deletes window starts at the first one.
    api()
      .get(deletedPath)
      .query(deletionsQuery('Customer', null, 2))
      .reply(200, fixture('empty-list'));
    api()
      .get(deletedPath)
      .query(restoredQuery('Customer', null, 2))
      .reply(200, fixture('empty-list'));
    const pages = await readAll(ctx, 'customers');
    expect(pages.map((page) => page.records.length)).toEqual([2, 2, 0]);
    expect(pages.map((page) => page.cursor)).toEqual(
      [after1, after2, after2].map((keyset) => ({ ...keyset, deletes: null })),
    );
  });

  it('reads each sales order again by name to get its items', async () => {
    const ctx = erpnextContext();
    const submitted = fixture('sales-order-submitted') as { data: Record<string, unknown> };
    const { items: _items, ...row } = submitted.data;
    api().get(deletedPath).query(newestDeletionQuery('Sales Order')).reply(200, fixture('empty-list'));
    api().get(deletedPath).query(deletionsQuery('Sales Order', null)).reply(200, fixture('empty-list'));
    api().get(deletedPath).query(restoredQuery('Sales Order')).reply(200, fixture('empty-list'));
    api()
      .get(soPath)
      .query(listQuery({ fields: ['*'], orderBy: 'modified asc, name asc', limit: 100 }))
      .reply(200, { data: [row] });
    api().get(`${soPath}/SAL-ORD-2026-00001`).reply(200, submitted);
    const [page] = await readAll(ctx, 'sales_orders');
    expect(page.records).toEqual([submitted.data]);
    expect(page.cursor).toEqual({
      modified: '2026-11-21 10:05:00.000000',
      name: 'SAL-ORD-2026-00001',
      deletes: null,
    });
  });
});

describe('erpnext writes', () => {
  it('creates a customer after a lookup by customer_name finds none', async () => {
    const record = {
      customer_name: 'Ningbo Hengda Auto Parts Co., Ltd.',
      customer_type: 'Company',
      tax_id: '91330206MA2H4N8K3Q',
    };
    api()
      .get('/api/resource/Customer')
      .query(
        listQuery({ fields: ['name'], filters: [['customer_name', '=', record.customer_name]], limit: 2 }),
      )
      .reply(200, fixture('empty-list'));
    api().post('/api/resource/Customer', record).reply(200, fixture('customer-created'));
    const results = await erpnextConnector.write(erpnextContext(), 'customers', [op({ record })]);
    expect(results).toEqual([
      { ok: true, idempotencyKey: 'key-c1', externalId: 'CUST-2026-00005', created: true },
    ]);
  });

  it('edits a draft sales order with PUT', async () => {
    const draft = fixture('sales-order-draft');
    api().get(`${soPath}/SAL-ORD-2026-00002`).reply(200, draft);
    api().put(`${soPath}/SAL-ORD-2026-00002`, { delivery_date: '2026-12-05' }).reply(200, draft);
    const results = await erpnextConnector.write(erpnextContext(), 'sales_orders', [
      op({ externalId: 'SAL-ORD-2026-00002', record: { delivery_date: '2026-12-05' } }),
    ]);
    expect(results[0]).toEqual({
      ok: true,
      idempotencyKey: 'key-c1',
      externalId: 'SAL-ORD-2026-00002',
      created: false,
    });
  });

  it('amends a submitted sales order: cancel, then a submitted copy with amended_from, never a PUT', async () => {
    const submitted = fixture('sales-order-submitted') as {
      data: Record<string, unknown> & { items: Array<Record<string, unknown>> };
    };
    api().get(`${soPath}/SAL-ORD-2026-00001`).reply(200, submitted);
    api()
      .post('/api/method/frappe.client.cancel', { doctype: 'Sales Order', name: 'SAL-ORD-2026-00001' })
      .reply(200, fixture('sales-order-cancel'));
    api()
      .post(soPath, (body: Record<string, unknown> & { items: Array<Record<string, unknown>> }) => {
        // docstatus 1 makes Frappe's insert submit the copy, so the order stays confirmed.
        expect(body).toMatchObject({
          amended_from: 'SAL-ORD-2026-00001',
          delivery_date: '2026-12-05',
          customer: 'CUST-2026-00001',
          docstatus: 1,
        });
        expect(body).not.toHaveProperty('name');
        expect(body.items[0]).toMatchObject({ item_code: 'HUB-001', qty: 10 });
        expect(body.items[0]).not.toHaveProperty('parent');
        expect(body.items[0]).not.toHaveProperty('docstatus');
        return true;
      })
      .reply(200, fixture('sales-order-amended-submitted'));
    const results = await erpnextConnector.write(erpnextContext(), 'sales_orders', [
      op({ externalId: 'SAL-ORD-2026-00001', record: { delivery_date: '2026-12-05' } }),
    ]);
    expect(results[0]).toEqual({
      ok: true,
      idempotencyKey: 'key-c1',
      externalId: 'SAL-ORD-2026-00001-1',
      created: false,
      replaces: 'SAL-ORD-2026-00001',
    });
  });

  // What sales_orders.out.yaml makes of the order read from SAL-ORD-2026-00001 itself.
  const mappedOrder = {
    customer: 'CUST-2026-00001',
    po_no: 'HUB-SO-1',
    transaction_date: '2026-11-21',
    delivery_date: '2026-12-01',
    currency: 'CNY',
    items: [{ item_code: 'HUB-001', qty: 10, uom: 'Nos', rate: 12.5, delivery_date: '2026-12-01' }],
  };

  it('writes nothing to a submitted order that already holds the mapped fields and rows', async () => {
    // A hub version that changed only fields this mapping does not carry: no cancel, no amend.
    api().get(`${soPath}/SAL-ORD-2026-00001`).reply(200, fixture('sales-order-submitted'));
    const results = await erpnextConnector.write(erpnextContext(), 'sales_orders', [
      op({ externalId: 'SAL-ORD-2026-00001', record: mappedOrder }),
    ]);
    expect(results[0]).toEqual({
      ok: true,
      idempotencyKey: 'key-c1',
      externalId: 'SAL-ORD-2026-00001',
      created: false,
    });
  });

  it('writes nothing when a retried create finds an unchanged draft by po_no', async () => {
    api()
      .get(soPath)
      .query(listQuery({ fields: ['name'], filters: [['po_no', '=', 'HUB-SO-1']], limit: 2 }))
      .reply(200, { data: [{ name: 'SAL-ORD-2026-00001-1' }] });
    api().get(`${soPath}/SAL-ORD-2026-00001-1`).reply(200, fixture('sales-order-amended'));
    const results = await erpnextConnector.write(erpnextContext(), 'sales_orders', [
      op({ record: { ...mappedOrder, delivery_date: '2026-12-05' } }),
    ]);
    expect(results[0]).toMatchObject({ ok: true, externalId: 'SAL-ORD-2026-00001-1', created: false });
  });

  it('amends a submitted order when only a row field differs from what it holds', async () => {
    api().get(`${soPath}/SAL-ORD-2026-00001`).reply(200, fixture('sales-order-submitted'));
    api()
      .post('/api/method/frappe.client.cancel', { doctype: 'Sales Order', name: 'SAL-ORD-2026-00001' })
      .reply(200, fixture('sales-order-cancel'));
    api()
      .post(soPath, (body: Record<string, unknown>) => {
        expect(body).toMatchObject({ docstatus: 1, items: [{ item_code: 'HUB-001', qty: 12 }] });
        return true;
      })
      .reply(200, fixture('sales-order-amended-submitted'));
    const [item] = mappedOrder.items;
    const results = await erpnextConnector.write(erpnextContext(), 'sales_orders', [
      op({ externalId: 'SAL-ORD-2026-00001', record: { ...mappedOrder, items: [{ ...item, qty: 12 }] } }),
    ]);
    expect(results[0]).toMatchObject({ ok: true, externalId: 'SAL-ORD-2026-00001-1' });
  });

  it('never edits a cancelled order: it follows the amendment, and submits one the hub left a draft', async () => {
    api().get(`${soPath}/SAL-ORD-2026-00001`).reply(200, fixture('sales-order-cancelled'));
    api().get('/api/method/frappe.auth.get_logged_user').reply(200, fixture('logged-user'));
    api()
      .get(soPath)
      .query(
        listQuery({
          fields: ['name', 'docstatus'],
          filters: [['amended_from', '=', 'SAL-ORD-2026-00001']],
          limit: 1,
        }),
      )
      .reply(200, { data: [{ name: 'SAL-ORD-2026-00001-1', docstatus: 0 }] });
    api().get(`${soPath}/SAL-ORD-2026-00001-1`).reply(200, fixture('sales-order-amended'));
    api()
      .put(`${soPath}/SAL-ORD-2026-00001-1`, { docstatus: 1, delivery_date: '2026-12-06' })
      .reply(200, fixture('sales-order-amended-submitted'));
    const followed = await erpnextConnector.write(erpnextContext(), 'sales_orders', [
      op({ externalId: 'SAL-ORD-2026-00001', record: { delivery_date: '2026-12-06' } }),
    ]);
    expect(followed[0]).toMatchObject({
      ok: true,
      externalId: 'SAL-ORD-2026-00001-1',
      replaces: 'SAL-ORD-2026-00001',
    });
  });

  it('fails one bad record alone: mandatory field, bad link, duplicate, stale timestamp; the rest are written', async () => {
    api().put('/api/resource/Customer/CUST-2026-00006').reply(417, fixture('error-mandatory'));
    api().put('/api/resource/Customer/CUST-2026-00007').reply(417, fixture('error-link-validation'));
    api().put('/api/resource/Customer/CUST-2026-00008').reply(409, fixture('error-duplicate'));
    api().put('/api/resource/Customer/CUST-2026-00009').times(3).reply(417, fixture('error-timestamp'));
    api().put('/api/resource/Customer/CUST-2026-00005').reply(200, fixture('customer-created'));
    const ops = ['00006', '00007', '00008', '00009', '00005'].map((suffix) =>
      op({
        canonicalId: suffix,
        externalId: `CUST-2026-${suffix}`,
        record: { customer_group: 'Commercial' },
      }),
    );
    const results = await erpnextConnector.write(erpnextContext(), 'customers', ops);
    expect(results.map((result) => (result.ok ? 'ok' : `${result.error.kind}/${result.error.code}`))).toEqual(
      [
        'invalid_data/erpnext_mandatory_missing',
        'invalid_data/erpnext_link_invalid',
        'conflict/erpnext_duplicate_entry',
        'transient/erpnext_timestamp_mismatch',
        'ok',
      ],
    );
    expect(results[0]).toMatchObject({
      error: {
        fieldPath: 'customer_name',
        message: expect.stringContaining('Value missing for Customer: Customer Name'),
      },
    });
    expect(results[1]).toMatchObject({
      error: { message: expect.stringContaining('Could not find Customer Group: Wholesale') },
    });
  });

  it('treats a deadlock (5xx) as transient after the in-request retries, and stops the batch at a 429', async () => {
    const customer = fixture('customer-created') as { data: Record<string, unknown> };
    api().put('/api/resource/Customer/CUST-2026-00001').reply(200, customer);
    api().put('/api/resource/Customer/CUST-2026-00002').times(3).reply(500, fixture('error-deadlock'));
    api()
      .put('/api/resource/Customer/CUST-2026-00003')
      .reply(429, 'Too Many Requests', { 'Retry-After': '120' });
    const record = { customer_group: 'Commercial' };
    const results = await erpnextConnector.write(erpnextContext(), 'customers', [
      op({ canonicalId: 'a', externalId: 'CUST-2026-00001', record }),
      op({ canonicalId: 'b', externalId: 'CUST-2026-00002', record }),
      op({ canonicalId: 'c', externalId: 'CUST-2026-00003', record }),
      op({ canonicalId: 'd', externalId: 'CUST-2026-00004', record }),
    ]);
    expect(results[0]).toMatchObject({ ok: true });
    expect(results[1]).toMatchObject({ ok: false, error: { kind: 'transient', code: 'erpnext_deadlock' } });
    // The rest of the batch waits out the limit instead of being sent into it.
    for (const result of results.slice(2))
      expect(result).toMatchObject({ ok: false, error: { kind: 'rate_limited', retryAfterMs: 120_000 } });
  });

  it('stops the batch when ERPNext refuses the key: the writes done are kept, the rest carry no result', async () => {
    const customer = fixture('customer-created') as { data: Record<string, unknown> };
    api().put('/api/resource/Customer/CUST-2026-00001').reply(200, customer);
    api().put('/api/resource/Customer/CUST-2026-00002').reply(401, fixture('error-authentication'));
    const record = { customer_group: 'Commercial' };
    const ops = [
      op({ canonicalId: 'a', externalId: 'CUST-2026-00001', record }),
      op({ canonicalId: 'b', externalId: 'CUST-2026-00002', record }),
      op({ canonicalId: 'c', externalId: 'CUST-2026-00003', record }),
    ];
    const results = await erpnextConnector.write(erpnextContext(), 'customers', ops);
    expect(results).toEqual([expect.objectContaining({ ok: true, idempotencyKey: 'key-a' })]);

    // Refused before anything was written: the whole batch is the engine's to retry.
    api().put('/api/resource/Customer/CUST-2026-00002').reply(401, fixture('error-authentication'));
    await expect(erpnextConnector.write(erpnextContext(), 'customers', ops.slice(1))).rejects.toMatchObject({
      kind: 'auth',
    });
  });

  it('fails alone a document the user may not touch (user permissions are per document)', async () => {
    const customer = fixture('customer-created') as { data: Record<string, unknown> };
    api().put('/api/resource/Customer/CUST-2026-00001').reply(403, fixture('error-permission'));
    api().put('/api/resource/Customer/CUST-2026-00002').reply(200, customer);
    const record = { customer_group: 'Commercial' };
    const results = await erpnextConnector.write(erpnextContext(), 'customers', [
      op({ canonicalId: 'a', externalId: 'CUST-2026-00001', record }),
      op({ canonicalId: 'b', externalId: 'CUST-2026-00002', record }),
    ]);
    expect(results[0]).toMatchObject({
      ok: false,
      error: { kind: 'auth', code: 'erpnext_permission_denied' },
    });
    expect(results[1]).toMatchObject({ ok: true });
  });

  it('reports a missing document as not_found', async () => {
    api().put('/api/resource/Customer/CUST-2026-09999').reply(404, fixture('error-not-found'));
    const [result] = await erpnextConnector.write(erpnextContext(), 'customers', [
      op({ externalId: 'CUST-2026-09999', record: { customer_group: 'Commercial' } }),
    ]);
    expect(result).toMatchObject({ ok: false, error: { kind: 'not_found', code: 'erpnext_not_found' } });
  });
});
