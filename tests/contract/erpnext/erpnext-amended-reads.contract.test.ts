import { describe, expect, it } from 'vitest';
import { enforceStrictNock } from '../../support/strict-nock.ts';
import {
  amendmentsQuery,
  api,
  changedQuery,
  type FrappeTestDoc as Doc,
  deletedPath,
  deletionsQuery,
  docOf,
  erpnextContext,
  fixture,
  readAll,
  restoredQuery,
  rowOf,
} from './harness.ts';

enforceStrictNock();

const soPath = '/api/resource/Sales%20Order';

const cancelled = docOf('sales-order-cancelled');
const amendment = docOf('sales-order-amended-submitted');
const submitted = { ...docOf('sales-order-submitted'), name: 'SAL-ORD-2026-00003' };
const draft = docOf('sales-order-draft');

const start = { modified: '2026-11-21 09:00:00.000000', name: 'SAL-ORD-2026-00000' };
const lastDeletion = { creation: '2026-11-22 09:00:00.000000', name: '0f1e2d3c4b' };
/** The changed sales orders after `start`, a page of `pageSize` each, then no deletes or restorations. */
async function readOrders(pages: Doc[][], pageSize = 100) {
  const ctx = erpnextContext({ pageSize });
  let at = start;
  for (const page of pages) {
    api()
      .get(soPath)
      .query(changedQuery(at, pageSize))
      .reply(200, { data: page.map(rowOf) });
    const last = page.at(-1);
    if (last) at = { modified: String(last.modified), name: last.name };
  }
  api()
    .get(deletedPath)
    .query(deletionsQuery('Sales Order', lastDeletion, pageSize))
    .reply(200, fixture('empty-list'));
  api()
    .get(deletedPath)
    .query(restoredQuery('Sales Order', null, pageSize))
    .reply(200, fixture('empty-list'));
  return readAll(ctx, 'sales_orders', { ...start, deletes: lastDeletion });
}

const cursorAt = (doc: Doc) => ({ modified: doc.modified, name: doc.name, deletes: lastDeletion });

describe('erpnext reads of amended documents', () => {
  it('returns the order an amendment replaces as replaced by it when the cancelled order was read in an earlier run', async () => {
    api().get(`${soPath}/${amendment.name}`).reply(200, { data: amendment });

    const pages = await readOrders([[amendment]]);

    expect(amendment.amended_from).toBe(cancelled.name);
    expect(pages).toEqual([
      {
        records: [amendment],
        replaced: [{ externalId: cancelled.name, by: amendment.name }],
        cursor: cursorAt(amendment),
      },
    ]);
  });

  it('returns a cancelled order that was amended as replaced by its amendment, and the amendment as a record', async () => {
    api()
      .get(soPath)
      .query(amendmentsQuery([cancelled.name]))
      .reply(200, { data: [{ name: amendment.name, amended_from: cancelled.name }] });
    api().get(`${soPath}/${amendment.name}`).reply(200, { data: amendment });

    const pages = await readOrders([[cancelled, amendment]]);

    expect(pages).toEqual([
      {
        records: [amendment],
        replaced: [{ externalId: cancelled.name, by: amendment.name }],
        cursor: cursorAt(amendment),
      },
    ]);
  });

  it('returns every cancelled link of a chain amended again as replaced by the next, whatever its amendment became', async () => {
    const firstAmendment = { ...amendment, docstatus: 2, status: 'Cancelled' };
    const secondAmendment = {
      ...amendment,
      name: 'SAL-ORD-2026-00001-2',
      amended_from: firstAmendment.name,
      modified: '2026-11-21 10:06:00.000000',
    };
    api()
      .get(soPath)
      .query(amendmentsQuery([cancelled.name, firstAmendment.name]))
      .reply(200, {
        data: [
          { name: firstAmendment.name, amended_from: cancelled.name },
          { name: secondAmendment.name, amended_from: firstAmendment.name },
        ],
      });
    api().get(`${soPath}/${secondAmendment.name}`).reply(200, { data: secondAmendment });

    const pages = await readOrders([[cancelled, firstAmendment, secondAmendment]]);

    expect(pages).toEqual([
      {
        records: [secondAmendment],
        replaced: [
          { externalId: cancelled.name, by: firstAmendment.name },
          { externalId: firstAmendment.name, by: secondAmendment.name },
        ],
        cursor: cursorAt(secondAmendment),
      },
    ]);
  });

  it('keeps a cancelled order without amendment a record, status cancelled', async () => {
    api()
      .get(soPath)
      .query(amendmentsQuery([cancelled.name]))
      .reply(200, fixture('empty-list'));
    api().get(`${soPath}/${cancelled.name}`).reply(200, { data: cancelled });

    const pages = await readOrders([[cancelled]]);

    expect(pages).toEqual([{ records: [cancelled], cursor: cursorAt(cancelled) }]);
  });

  it('looks for amendments only on the pages that hold cancelled documents', async () => {
    // Strict nock fails the test on any call not set up: page one asks for none.
    api().get(`${soPath}/${draft.name}`).reply(200, { data: draft });
    api().get(`${soPath}/${submitted.name}`).reply(200, { data: submitted });
    api()
      .get(soPath)
      .query(amendmentsQuery([cancelled.name]))
      .reply(200, fixture('empty-list'));
    const laterCancelled = { ...cancelled, modified: '2026-11-21 10:07:00.000000' };
    api().get(`${soPath}/${cancelled.name}`).reply(200, { data: laterCancelled });

    const pages = await readOrders([[draft, submitted], [laterCancelled]], 2);

    expect(pages).toEqual([
      { records: [draft, submitted], cursor: cursorAt(submitted) },
      { records: [laterCancelled], cursor: cursorAt(laterCancelled) },
    ]);
  });
});
