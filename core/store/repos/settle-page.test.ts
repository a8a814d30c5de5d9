import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openPostgresStore } from '../../../tests/support/drivers.ts';
import { lockWaiter } from '../../../tests/support/lock-waiter.ts';
import { isHubError } from '../../errors/index.ts';
import { mergeRecords } from '../../mdm/service/merge.ts';
import { lockGolden } from '../../mdm/store/golden-rows.ts';
import type { Queryable } from '../db.ts';
import type { Store } from '../index.ts';
import { getGolden } from './golden.ts';
import { type PageWrite, writeMasterData } from './master-data.ts';
import { canonicalIdsFor, unlinkXrefs } from './xref.ts';

const databaseUrl = process.env.DATABASE_URL;
const original = 'SAL-ORD-2026-00001';
const amendment = 'SAL-ORD-2026-00001-1';

/**
 * A page whose source replaced an id (an ERPNext amendment) while a steward merges its record, or
 * the hub changes its link. Real PostgreSQL only: the embedded driver has one connection, so its
 * transactions never interleave.
 */
describe.skipIf(!databaseUrl)('replaced ids settled with the golden records they name', () => {
  let store: Store;
  beforeEach(async () => {
    store = await openPostgresStore(databaseUrl!);
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
  const write = (connectionId: string, page: Pick<PageWrite, 'records'> & Partial<PageWrite>) =>
    db().transaction((tx) =>
      writeMasterData(tx, { entity: 'sales_order', connectionId, stream: 'sales_orders', ...page }),
    );
  const amend = () =>
    write('erp', {
      records: [order(amendment, '2026-12-05')],
      replaced: [{ externalId: original, by: amendment }],
    });
  /** The ERPNext order and the CRM's opportunity for it, as two golden records. */
  async function twoRecords() {
    const [erp] = await write('erp', { records: [order(original, '2026-12-01')] });
    const [crm] = await write('crm', { records: [order('OPP-9', '2026-12-01')] });
    return { merged: erp!.canonicalId, survivor: crm!.canonicalId };
  }
  /**
   * Runs `work` in a transaction held open until `page` waits for it, then `rest` in the same
   * transaction; returns both outcomes.
   */
  async function whilePageWaits(
    work: (tx: Queryable) => Promise<void>,
    page: () => Promise<unknown>,
    rest: (tx: Queryable) => Promise<void> = async () => {},
  ) {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let started!: () => void;
    const ready = new Promise<void>((resolve) => {
      started = resolve;
    });
    const other = db().transaction(async (tx) => {
      await work(tx);
      started();
      await gate;
      await rest(tx);
    });
    await ready;
    const written = page();
    await lockWaiter(databaseUrl!, 'the page never waited for the other transaction');
    release();
    return Promise.allSettled([other, written]);
  }
  const erpSources = async () =>
    (
      await db().query<{ external_id: string; canonical_id: string; deleted: boolean }>(
        `SELECT external_id, canonical_id::text, deleted FROM source_records WHERE connection_id = 'erp' ORDER BY external_id`,
      )
    ).rows;

  it('moves the amended order to the survivor of a merge committed while the page waited', async () => {
    const { merged, survivor } = await twoRecords();

    const [merge, page] = await whilePageWaits(
      (tx) => mergeRecords(tx, { survivorId: survivor, mergedId: merged, actor: 'steward' }).then(() => {}),
      amend,
    );

    expect([merge.status, page.status]).toEqual(['fulfilled', 'fulfilled']);
    const links = await canonicalIdsFor(db(), 'sales_order', 'erp', [original, amendment]);
    expect(links).toEqual(new Map([[amendment, survivor]]));
    expect(await erpSources()).toEqual([{ external_id: amendment, canonical_id: survivor, deleted: false }]);
    expect((await getGolden(db(), survivor))!.body).toMatchObject({ promiseDate: '2026-12-05' });
  });

  it('does not deadlock with a merge that locked the golden records before the page', async () => {
    const { merged, survivor } = await twoRecords();

    // The merge's first step locks the golden records; the page comes in before its next steps.
    const [merge, page] = await whilePageWaits(
      async (tx) => {
        await lockGolden(tx, [survivor, merged]);
      },
      amend,
      (tx) => mergeRecords(tx, { survivorId: survivor, mergedId: merged, actor: 'steward' }).then(() => {}),
    );

    expect([merge.status, page.status]).toEqual(['fulfilled', 'fulfilled']);
    expect(await canonicalIdsFor(db(), 'sales_order', 'erp', [amendment])).toEqual(
      new Map([[amendment, survivor]]),
    );
  });

  it('retries the page when the replaced id lost its link while the page waited, then reads the amendment as new', async () => {
    const { merged } = await twoRecords();
    const link = { entity: 'sales_order', canonicalId: merged, connectionId: 'erp', externalId: original };

    const [, page] = await whilePageWaits(async (tx) => {
      await lockGolden(tx, [merged]);
      await unlinkXrefs(tx, [link]);
    }, amend);

    expect(page.status).toBe('rejected');
    const error = (page as PromiseRejectedResult).reason;
    expect(isHubError(error) && { kind: error.kind, code: error.code }).toEqual({
      kind: 'transient',
      code: 'replaced_id_moved',
    });
    const [created, deleted] = await amend();
    expect(created).toMatchObject({ externalId: amendment, outcome: 'created' });
    expect(deleted).toMatchObject({ externalId: original, canonicalId: merged, outcome: 'deleted' });
  });
});
