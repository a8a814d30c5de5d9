import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findConnector } from '../../connectors/registry.ts';
import { discardedAmendmentAnswers } from '../../tests/contract/erpnext/discarded-amendment.ts';
import {
  amendmentsQuery,
  api,
  changedQuery,
  deletedPath,
  deletionsQuery,
  docOf,
  fixture,
  newestDeletionQuery,
  restoredQuery,
  rowOf,
  site,
} from '../../tests/contract/erpnext/harness.ts';
import { queueDrivers, storeDrivers } from '../../tests/support/drivers.ts';
import { enforceStrictNock } from '../../tests/support/strict-nock.ts';
import { startTestHub, type TestHub } from '../../tests/support/test-hub.ts';
import type { StreamSpec } from '../connector/types.ts';
import type { HubError } from '../errors/index.ts';
import { getGolden } from '../store/repos/golden.ts';
import { canonicalIdsFor, externalIdsFor } from '../store/repos/xref.ts';
import { processInboundPage } from './inbound.ts';
import { inboundStreamFor, runSync } from './run-sync.ts';
import { type DoneWrite, recordWrites } from './write-results.ts';

enforceStrictNock();

const soPath = '/api/resource/Sales%20Order';

const submitted = docOf('sales-order-submitted');
/** Cancelled when it was amended: Frappe saves the cancel, so `modified` moves on. */
const cancelled = { ...docOf('sales-order-cancelled'), modified: '2026-11-21 11:00:00.000000' };
const amendment = { ...docOf('sales-order-amended-submitted'), modified: '2026-11-21 11:01:00.000000' };

const pageSize = 100;

/** The Deleted Document and restoration windows after the documents, both empty. */
function noDeletesOrRestorations() {
  api().get(deletedPath).query(deletionsQuery('Sales Order', null)).reply(200, fixture('empty-list'));
  api().get(deletedPath).query(restoredQuery('Sales Order')).reply(200, fixture('empty-list'));
}

describe.each(storeDrivers())('ERPNext amendments read into master data on $name', (driver) => {
  let test: TestHub;
  beforeEach(async () => {
    test = await startTestHub({
      store: await driver.open(),
      queue: queueDrivers()[0]!.open(),
      workers: false,
      connectors: [findConnector('erpnext')],
      mappingsRoot: 'mappings',
    });
    await test.hub.store.connections.save(
      {
        id: 'erp',
        kind: 'erpnext',
        name: 'ERPNext',
        config: { url: site, apiKey: 'api-key', apiSecret: 'api-secret', pageSize },
        // nock answers every call; allowing private networks skips the DNS check, which has no network here.
        options: { allowPrivateNetwork: true },
      },
      findConnector('erpnext').configSchema,
    );
    const streamOf = (name: string) => inboundStreamFor(test.hub, 'erp', name);
    await processInboundPage(await streamOf('customers'), {
      records: [{ ...docOf('customer-created'), name: 'CUST-2026-00001' }],
    });
    await processInboundPage(await streamOf('items'), { records: [docOf('item')] });
  });
  afterEach(async () => {
    await test.stop();
  });

  const db = () => test.hub.store.db;
  const pollOrders = async () => {
    const run = await runSync(test.hub, { connectionId: 'erp', stream: 'sales_orders' });
    expect(run.status).toBe('succeeded');
    return run;
  };

  /** The first poll reads the submitted order; returns its golden id. */
  async function orderRead(): Promise<string> {
    api().get(deletedPath).query(newestDeletionQuery('Sales Order')).reply(200, fixture('empty-list'));
    api()
      .get(soPath)
      .query(changedQuery())
      .reply(200, { data: [rowOf(submitted)] });
    api().get(`${soPath}/${submitted.name}`).reply(200, { data: submitted });
    noDeletesOrRestorations();
    await pollOrders();
    const id = (await canonicalIdsFor(db(), 'sales_order', 'erp', [submitted.name])).get(submitted.name);
    expect(id).toBeDefined();
    return id!;
  }

  /** ERPNext's answer to the connector's question: which documents amend the cancelled order. */
  const amendmentsOfCancelled = (answer: unknown) =>
    api()
      .get(soPath)
      .query(amendmentsQuery([cancelled.name]))
      .reply(200, answer as Record<string, unknown>);

  /** The next poll sees the order cancelled and its amendment (`by`), which took its place. */
  async function amendmentRead(by: typeof amendment = amendment) {
    api()
      .get(soPath)
      .query(changedQuery(submitted))
      .reply(200, { data: [rowOf(cancelled), rowOf(by)] });
    amendmentsOfCancelled({ data: [{ name: by.name, amended_from: cancelled.name }] });
    api().get(`${soPath}/${by.name}`).reply(200, { data: by });
    noDeletesOrRestorations();
    return pollOrders();
  }

  const salesOrders = async () =>
    (
      await db().query<{ id: string; deleted: boolean }>(
        `SELECT id::text, deleted FROM golden_records WHERE entity = 'sales_order' ORDER BY id`,
      )
    ).rows;
  const deletesInOutbox = async () =>
    (
      await db().query<{ n: number }>(
        `SELECT count(*)::int AS n FROM outbox o, jsonb_array_elements(o.payload->'changes') AS c
         WHERE c->>'operation' = 'delete'`,
      )
    ).rows[0]!.n;

  it('keeps the order a person amended in ERPNext the same golden record, updated under the new name', async () => {
    const id = await orderRead();
    const before = (await getGolden(db(), id))!;

    const run = await amendmentRead();

    expect(run.counts).toMatchObject({ updated: 1, created: 0, deleted: 0 });
    expect(await salesOrders()).toEqual([{ id, deleted: false }]);
    const after = (await getGolden(db(), id))!;
    expect(after.version).toBe(before.version + 1);
    expect(after.body).toMatchObject({ number: amendment.name, promiseDate: '2026-12-05' });
    expect(await externalIdsFor(db(), 'sales_order', 'erp', [id])).toEqual(new Map([[id, amendment.name]]));
    const { rows: sources } = await db().query<{ external_id: string; canonical_id: string }>(
      `SELECT external_id, canonical_id::text FROM source_records WHERE stream = 'sales_orders' AND NOT deleted`,
    );
    expect(sources).toEqual([{ external_id: amendment.name, canonical_id: id }]);
    expect(await deletesInOutbox()).toBe(0);
  });

  it("keeps one record, and files no conflict, when a poll reads the hub's own amend before the hub records it", async () => {
    const id = await orderRead();
    const golden = (await getGolden(db(), id))!;

    await amendmentRead();
    const idempotencyKey = `erp:sales_orders:${id}:${golden.version}`;
    const done: DoneWrite = {
      planned: {
        op: { idempotencyKey, action: 'upsert', canonicalId: id, externalId: submitted.name, record: {} },
        record: golden,
      },
      result: {
        ok: true,
        idempotencyKey,
        externalId: amendment.name,
        created: false,
        replaces: submitted.name,
      },
    };
    const conflicts: HubError[] = [];
    const spec = { name: 'sales_orders', entity: 'sales_order' } as StreamSpec;
    const job = { connectionId: 'erp', stream: 'sales_orders', items: [] };
    const recorded = await db().transaction((tx) =>
      recordWrites(tx, job, spec, [done], async (_write, error) => {
        conflicts.push(error);
      }),
    );

    expect(conflicts).toEqual([]);
    expect(recorded).toHaveLength(1);
    expect(await salesOrders()).toEqual([{ id, deleted: false }]);
    expect(await externalIdsFor(db(), 'sales_order', 'erp', [id])).toEqual(new Map([[id, amendment.name]]));
    const { rows: written } = await db().query<{ external_id: string }>(
      'SELECT external_id FROM last_written WHERE canonical_id = $1',
      [id],
    );
    expect(written).toEqual([{ external_id: amendment.name }]);
    expect(await deletesInOutbox()).toBe(0);
  });

  /** A draft amendment a sales manager saved after cancelling the order and pressing Amend. */
  const draft = {
    ...docOf('sales-order-amended'),
    owner: 'sales.manager@example.com',
    modified_by: 'sales.manager@example.com',
    modified: '2026-11-21 11:01:00.000000',
  };
  const draftDeletion = { name: '5d4c3b2a19', creation: '2026-11-21 11:30:00.000000' };

  it('keeps the order, cancelled under its own name, when a person discards the draft amendment the hub read', async () => {
    const id = await orderRead();
    await amendmentRead(draft);
    expect(await externalIdsFor(db(), 'sales_order', 'erp', [id])).toEqual(new Map([[id, draft.name]]));

    discardedAmendmentAnswers({
      changedAfter: draft,
      deletesAfter: null,
      deletion: draftDeletion,
      draft,
      original: cancelled,
    });
    const run = await pollOrders();

    expect(run.counts).toMatchObject({ deleted: 0, created: 0 });
    expect(await salesOrders()).toEqual([{ id, deleted: false }]);
    expect((await getGolden(db(), id))!.body).toMatchObject({ number: cancelled.name, status: 'cancelled' });
    expect(await externalIdsFor(db(), 'sales_order', 'erp', [id])).toEqual(new Map([[id, cancelled.name]]));
    expect(await deletesInOutbox()).toBe(0);

    // Amended again and submitted, under the same name: the amendment takes the order's place as before.
    const resubmitted = { ...amendment, modified: '2026-11-21 11:40:00.000000' };
    api()
      .get(soPath)
      .query(changedQuery(draft))
      .reply(200, { data: [rowOf(resubmitted)] });
    api().get(`${soPath}/${resubmitted.name}`).reply(200, { data: resubmitted });
    api()
      .get(deletedPath)
      .query(deletionsQuery('Sales Order', draftDeletion))
      .reply(200, fixture('empty-list'));
    api().get(deletedPath).query(restoredQuery('Sales Order')).reply(200, fixture('empty-list'));
    await pollOrders();

    expect(await salesOrders()).toEqual([{ id, deleted: false }]);
    expect((await getGolden(db(), id))!.body).toMatchObject({ number: amendment.name, status: 'confirmed' });
    expect(await externalIdsFor(db(), 'sales_order', 'erp', [id])).toEqual(new Map([[id, amendment.name]]));
  });

  it('reads an order cancelled without an amendment yet as a cancelled order, and its later amendment as the same order', async () => {
    const id = await orderRead();
    api()
      .get(soPath)
      .query(changedQuery(submitted))
      .reply(200, { data: [rowOf(cancelled)] });
    amendmentsOfCancelled(fixture('empty-list'));
    api().get(`${soPath}/${cancelled.name}`).reply(200, { data: cancelled });
    noDeletesOrRestorations();
    await pollOrders();
    expect((await getGolden(db(), id))!.body).toMatchObject({ status: 'cancelled' });

    // Amending leaves the cancelled order as it was: the next poll lists only the amendment.
    api()
      .get(soPath)
      .query(changedQuery(cancelled))
      .reply(200, { data: [rowOf(amendment)] });
    api().get(`${soPath}/${amendment.name}`).reply(200, { data: amendment });
    noDeletesOrRestorations();
    await pollOrders();

    expect(await salesOrders()).toEqual([{ id, deleted: false }]);
    expect((await getGolden(db(), id))!.body).toMatchObject({ number: amendment.name, status: 'confirmed' });
    expect(await externalIdsFor(db(), 'sales_order', 'erp', [id])).toEqual(new Map([[id, amendment.name]]));
    expect(await deletesInOutbox()).toBe(0);
  });
});
