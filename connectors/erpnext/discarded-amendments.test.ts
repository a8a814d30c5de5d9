import { describe, expect, it } from 'vitest';
import { discardedAmendmentAnswers } from '../../tests/contract/erpnext/discarded-amendment.ts';
import { docOf, erpnextContext, readAll } from '../../tests/contract/erpnext/harness.ts';
import { enforceStrictNock } from '../../tests/support/strict-nock.ts';

enforceStrictNock();

const cancelled = docOf('sales-order-cancelled');
/** The draft a sales manager saved after pressing Amend on the cancelled order, then discarded. */
const draft = { ...docOf('sales-order-amended'), owner: 'sales.manager@example.com' };
const deletion = { name: '5d4c3b2a19', creation: '2026-11-22 09:30:00.000000' };

const keyset = { modified: '2026-11-22 09:00:00.000000', name: cancelled.name };
const lastDeletion = { creation: '2026-11-22 09:00:00.000000', name: '0f1e2d3c4b' };
const cursor = { ...keyset, deletes: lastDeletion };
const read = { changedAfter: keyset, deletesAfter: lastDeletion, deletion, draft };
const afterDeletion = { ...cursor, deletes: deletion };

describe('erpnext reads of a discarded draft amendment', () => {
  it('returns the record to the cancelled order the draft amended, instead of deleting it', async () => {
    discardedAmendmentAnswers({ ...read, original: cancelled });

    const pages = await readAll(erpnextContext(), 'sales_orders', cursor);

    expect(pages.at(-1)).toEqual({
      records: [cancelled],
      deleted: [],
      replaced: [{ externalId: draft.name, by: cancelled.name }],
      cursor: afterDeletion,
    });
  });

  it('deletes the draft when the order it amended was deleted too', async () => {
    discardedAmendmentAnswers(read);

    const pages = await readAll(erpnextContext(), 'sales_orders', cursor);

    expect(pages.at(-1)).toEqual({ records: [], deleted: [draft.name], cursor: afterDeletion });
  });
});
