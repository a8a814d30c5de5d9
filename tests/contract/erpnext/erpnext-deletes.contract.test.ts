import { describe, expect, it, vi } from 'vitest';
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
} from './harness.ts';

enforceStrictNock();

const customers = '/api/resource/Customer';
const keyset = { modified: '2026-11-22 08:00:00.000000', name: 'CUST-2026-00009' };
const changedSince = listQuery({
  fields: ['*'],
  filters: [['modified', '>=', keyset.modified]],
  orFilters: [
    ['modified', '>', keyset.modified],
    ['name', '>', keyset.name],
  ],
  orderBy: 'modified asc, name asc',
  limit: 100,
});
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

    const pages = await readAll(ctx, 'customers', { ...keyset, deletes: lastRead });

    expect(pages).toEqual([{ records: [], cursor: { ...keyset, deletes: lastRead } }]);
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/Deleted Document.*System Manager/));
  });
});
