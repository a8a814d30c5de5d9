import {
  amendmentsQuery,
  api,
  changedQuery,
  deletedPath,
  deletionsQuery,
  type FrappeTestDoc,
  fixture,
  listQuery,
  restoredQuery,
  rowOf,
} from './harness.ts';

const salesOrders = '/api/resource/Sales%20Order';

/** The look, after deletes of a submittable doctype, for what the deleted documents amended. */
function deletedDataQuery(doctype: string, names: string[]) {
  return listQuery({
    fields: ['name', 'deleted_name', 'data'],
    filters: [
      ['deleted_doctype', '=', doctype],
      ['deleted_name', 'in', names],
    ],
    orderBy: 'creation asc, name asc',
    limit: 0,
  });
}

export interface DiscardedAmendmentRead {
  /** Where the changed orders were read up to: none changed since. */
  changedAfter: { modified?: unknown; name: string };
  deletesAfter: { creation: string; name: string } | null;
  /** The Deleted Document row Frappe made when the draft was deleted. */
  deletion: { name: string; creation: string };
  /** The draft amendment a person discarded. */
  draft: FrappeTestDoc;
  /** The cancelled order the draft amended, as it stands; undefined when it was deleted too. */
  original?: FrappeTestDoc;
}

/**
 * Frappe's answers to a read of sales orders whose deletes window holds only the deletion of a
 * draft amendment: what it amended comes from the deletion's `data` (the document as JSON text).
 */
export function discardedAmendmentAnswers(read: DiscardedAmendmentRead): void {
  const { draft, original, deletion } = read;
  const originalName = String(draft.amended_from);
  api().get(salesOrders).query(changedQuery(read.changedAfter)).reply(200, fixture('empty-list'));
  api()
    .get(deletedPath)
    .query(deletionsQuery('Sales Order', read.deletesAfter))
    .reply(200, { data: [{ ...deletion, deleted_name: draft.name, restored: 0 }] });
  api()
    .get(salesOrders)
    .query(listQuery({ fields: ['name'], filters: [['name', 'in', [draft.name]]], limit: 1 }))
    .reply(200, fixture('empty-list'));
  api()
    .get(deletedPath)
    .query(deletedDataQuery('Sales Order', [draft.name]))
    .reply(200, { data: [{ name: deletion.name, deleted_name: draft.name, data: JSON.stringify(draft) }] });
  api()
    .get(salesOrders)
    .query(listQuery({ fields: ['*'], filters: [['name', 'in', [originalName]]], limit: 1 }))
    .reply(200, { data: original ? [rowOf(original)] : [] });
  if (original) {
    api()
      .get(salesOrders)
      .query(amendmentsQuery([originalName]))
      .reply(200, fixture('empty-list'));
    api().get(`${salesOrders}/${originalName}`).reply(200, { data: original });
  }
  api().get(deletedPath).query(restoredQuery('Sales Order')).reply(200, fixture('empty-list'));
}
