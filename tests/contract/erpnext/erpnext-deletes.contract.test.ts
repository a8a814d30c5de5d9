import { describe, expect, it, vi } from 'vitest';
import { enforceStrictNock } from '../../support/strict-nock.ts';
import {
  api,
  changedQuery,
  deletedPath,
  deletionsQuery,
  erpnextContext,
  fixture,
  listQuery,
  newestDeletionQuery,
  readAll,
  restoredQuery,
} from './harness.ts';

enforceStrictNock();

const customers = '/api/resource/Customer';
const keyset = { modified: '2026-11-22 08:00:00.000000', name: 'CUST-2026-00009' };
const changedSince = changedQuery(keyset);
const lastRead = { creation: '2026-11-22 09:00:00.000000', name: '0f1e2d3c4b' };
/** The live check of the names deleted and not restored in the deletions fixture. */
const liveCheck = listQuery({
  fields: ['name'],
  filters: [['name', 'in', ['CUST-2026-00003', 'Grand Ltd']]],
  limit: 2,
});

describe('erpnext deletes', () => {
  it('reads deletions after the documents: neither restored ones nor names live again are deletes', async () => {
    const ctx = erpnextContext();
    api().get(customers).query(changedSince).reply(200, fixture('empty-list'));
    api()
      .get(deletedPath)
      .query(deletionsQuery('Customer', lastRead))
      .reply(200, fixture('deleted-documents'));
    // "Grand Ltd" was deleted, then a new customer took its name.
    api()
      .get(customers)
      .query(liveCheck)
      .reply(200, { data: [{ name: 'Grand Ltd' }] });
    api().get(deletedPath).query(restoredQuery('Customer')).reply(200, fixture('empty-list'));

    const pages = await readAll(ctx, 'customers', { ...keyset, deletes: lastRead });

    const newest = { creation: '2026-11-22 09:31:10.771932', name: 'c0d2e8f913' };
    expect(pages).toEqual([
      { records: [], cursor: { ...keyset, deletes: lastRead } },
      { records: [], deleted: ['CUST-2026-00003'], cursor: { ...keyset, deletes: newest } },
    ]);
  });

  it('starts a cursor saved before deletes were read after the newest deletion', async () => {
    const ctx = erpnextContext();
    api()
      .get(deletedPath)
      .query(newestDeletionQuery('Customer'))
      .reply(200, { data: [{ name: lastRead.name, creation: lastRead.creation }] });
    api().get(customers).query(changedSince).reply(200, fixture('empty-list'));
    api().get(deletedPath).query(deletionsQuery('Customer', lastRead)).reply(200, fixture('empty-list'));
    api().get(deletedPath).query(restoredQuery('Customer')).reply(200, fixture('empty-list'));

    const pages = await readAll(ctx, 'customers', keyset);

    expect(pages).toEqual([{ records: [], cursor: { ...keyset, deletes: lastRead } }]);
  });

  it('reads the documents without deletes, and says why, when the user may not list Deleted Document', async () => {
    const ctx = erpnextContext();
    const warn = vi.spyOn(ctx.logger, 'warn');
    api().get(customers).query(changedSince).reply(200, fixture('empty-list'));
    api()
      .get(deletedPath)
      .query(deletionsQuery('Customer', lastRead))
      .reply(403, fixture('error-permission'));
    api().get(deletedPath).query(restoredQuery('Customer')).reply(403, fixture('error-permission'));

    const pages = await readAll(ctx, 'customers', { ...keyset, deletes: lastRead });

    expect(pages).toEqual([{ records: [], cursor: { ...keyset, deletes: lastRead } }]);
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/Deleted Document.*System Manager/));
  });
});

describe('erpnext restored documents', () => {
  const customerRow = (name: string, modified: string) => ({
    name,
    modified,
    customer_name: `Customer ${name}`,
    customer_group: 'Commercial',
    docstatus: 0,
    doctype: 'Customer',
  });
  /** The documents of the restorations not answered yet, fetched by name. */
  const byName = (names: string[]) =>
    listQuery({ fields: ['*'], filters: [['name', 'in', names]], limit: names.length });

  it('reads a document restored after its deletion was read, though it kept its old modified', async () => {
    const ctx = erpnextContext();
    // CUST-2026-00004's deletion was read before lastRead; it was restored since, modified unchanged.
    const restoredRow = customerRow('CUST-2026-00004', '2026-11-21 10:02:17.887001');
    api().get(customers).query(changedSince).reply(200, fixture('empty-list'));
    api().get(deletedPath).query(deletionsQuery('Customer', lastRead)).reply(200, fixture('empty-list'));
    api().get(deletedPath).query(restoredQuery('Customer')).reply(200, fixture('deleted-documents-restored'));
    // CUST-2026-00006 was restored and then deleted again: that deletion is read as a delete.
    api()
      .get(customers)
      .query(byName(['CUST-2026-00004', 'CUST-2026-00006']))
      .reply(200, { data: [restoredRow] });

    const pages = await readAll(ctx, 'customers', { ...keyset, deletes: lastRead, restored: ['9e8d7c6b5a'] });

    const answered = ['9e8d7c6b5a', 'b51e9a7c44', 'e3f4a5b6c7'];
    expect(pages).toEqual([
      { records: [], cursor: { ...keyset, deletes: lastRead, restored: ['9e8d7c6b5a'] } },
      { records: [restoredRow], cursor: { ...keyset, deletes: lastRead, restored: answered } },
    ]);
  });

  it('reads each restored sales order again by name to get its items, once', async () => {
    const ctx = erpnextContext({ pageSize: 2 });
    const soPath = '/api/resource/Sales%20Order';
    const submitted = fixture('sales-order-submitted') as { data: Record<string, unknown> };
    const { items: _items, ...row } = submitted.data;
    const soKeyset = { modified: '2026-11-22 08:00:00.000000', name: 'SAL-ORD-2026-00009' };
    api().get(soPath).query(changedQuery(soKeyset, 2)).reply(200, fixture('empty-list'));
    api()
      .get(deletedPath)
      .query(deletionsQuery('Sales Order', lastRead, 2))
      .reply(200, fixture('empty-list'));
    const restoration = {
      name: '7a6b5c4d3e',
      creation: '2026-11-21 11:00:00.000000',
      deleted_name: 'SAL-ORD-2026-00001',
      new_name: 'SAL-ORD-2026-00001',
    };
    // Listed whole, page by page: two restorations the hub was given before, then the new one.
    const answeredBefore = ['0a1b2c3d4e', '1b2c3d4e5f'];
    api()
      .get(deletedPath)
      .query(restoredQuery('Sales Order', null, 2))
      .reply(200, {
        data: answeredBefore.map((name, n) => ({
          name,
          creation: `2026-11-20 0${n}:00:00.000000`,
          deleted_name: `SAL-ORD-2026-0000${n + 5}`,
          new_name: null,
        })),
      });
    api()
      .get(deletedPath)
      .query(restoredQuery('Sales Order', { creation: '2026-11-20 01:00:00.000000', name: '1b2c3d4e5f' }, 2))
      .reply(200, { data: [restoration] });
    api()
      .get(soPath)
      .query(listQuery({ fields: ['*'], filters: [['name', 'in', ['SAL-ORD-2026-00001']]], limit: 1 }))
      .reply(200, { data: [row] });
    api().get(`${soPath}/SAL-ORD-2026-00001`).reply(200, submitted);

    const cursor = { ...soKeyset, deletes: lastRead, restored: answeredBefore };
    const pages = await readAll(ctx, 'sales_orders', cursor);

    expect(pages.at(-1)).toEqual({
      records: [submitted.data],
      cursor: { ...cursor, restored: [...answeredBefore, restoration.name] },
    });
  });
});
