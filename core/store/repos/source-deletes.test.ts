import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { storeDrivers } from '../../../tests/support/drivers.ts';
import type { Store } from '../index.ts';
import { getGolden } from './golden.ts';
import { type PageWrite, writeMasterData } from './master-data.ts';
import { canonicalIdsFor, externalIdsFor, moveRecordIds } from './xref.ts';

const original = 'SAL-ORD-2026-00001';
const amendment = 'SAL-ORD-2026-00001-1';
const secondAmendment = 'SAL-ORD-2026-00001-2';

/** A source that replaces a record's id by another (an ERPNext amendment) says so on the page. */
describe.each(storeDrivers())('replaced ids read from a source, on $name', (driver) => {
  let store: Store;
  beforeEach(async () => {
    store = await driver.open();
  });
  afterEach(async () => {
    await store.close();
  });
  const db = () => store.db;

  const order = (externalId: string, promiseDate: string) => ({
    externalId,
    raw: { name: externalId },
    mapped: { number: externalId, status: 'confirmed', promiseDate },
  });
  const write = (page: Pick<PageWrite, 'records'> & Partial<PageWrite>) =>
    db().transaction((tx) =>
      writeMasterData(tx, { entity: 'sales_order', connectionId: 'erp', stream: 'sales_orders', ...page }),
    );
  const goldenRows = async () =>
    (
      await db().query<{ id: string; deleted: boolean }>(
        `SELECT id::text, deleted FROM golden_records WHERE entity = 'sales_order'`,
      )
    ).rows;

  it('follows a chain of replacements on one page to the last id, as the same record', async () => {
    const [created] = await write({ records: [order(original, '2026-12-01')] });
    const id = created!.canonicalId;

    const written = await write({
      records: [order(secondAmendment, '2026-12-09')],
      // In either order: the step that frees an id goes first.
      replaced: [
        { externalId: amendment, by: secondAmendment },
        { externalId: original, by: amendment },
      ],
    });

    expect(written).toEqual([expect.objectContaining({ canonicalId: id, outcome: 'updated' })]);
    expect(await goldenRows()).toEqual([{ id, deleted: false }]);
    expect(await externalIdsFor(db(), 'sales_order', 'erp', [id])).toEqual(new Map([[id, secondAmendment]]));
  });

  it('does nothing, without an error, for a record the hub already moved to the new id', async () => {
    const [created] = await write({ records: [order(original, '2026-12-01')] });
    const id = created!.canonicalId;
    const scope = { entity: 'sales_order', connectionId: 'erp', stream: 'sales_orders' };
    await moveRecordIds(db(), scope, [{ canonicalId: id, fromExternalId: original, externalId: amendment }]);

    const written = await write({
      records: [order(amendment, '2026-12-05')],
      replaced: [{ externalId: original, by: amendment }],
    });

    expect(written).toEqual([expect.objectContaining({ canonicalId: id, outcome: 'updated' })]);
    expect(await goldenRows()).toEqual([{ id, deleted: false }]);
    expect((await getGolden(db(), id))!.body).toMatchObject({ promiseDate: '2026-12-05' });
  });

  it('reads the old id as deleted when another record already holds the new one', async () => {
    const [first] = await write({ records: [order(original, '2026-12-01')] });
    const [other] = await write({ records: [order(amendment, '2026-12-05')] });

    const written = await write({ records: [], replaced: [{ externalId: original, by: amendment }] });

    expect(written).toEqual([
      expect.objectContaining({ canonicalId: first!.canonicalId, outcome: 'deleted' }),
    ]);
    expect(await canonicalIdsFor(db(), 'sales_order', 'erp', [amendment])).toEqual(
      new Map([[amendment, other!.canonicalId]]),
    );
    expect((await getGolden(db(), other!.canonicalId))!.deleted).toBe(false);
  });

  it('leaves alone a replaced id the hub never held', async () => {
    const written = await write({
      records: [order(amendment, '2026-12-05')],
      replaced: [{ externalId: original, by: amendment }],
    });

    expect(written).toEqual([expect.objectContaining({ externalId: amendment, outcome: 'created' })]);
    expect(await goldenRows()).toEqual([{ id: written[0]!.canonicalId, deleted: false }]);
  });
});
