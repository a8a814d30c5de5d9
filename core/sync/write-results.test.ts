import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { storeDrivers } from '../../tests/support/drivers.ts';
import type { StreamSpec, WriteResult } from '../connector/types.ts';
import type { HubError } from '../errors/index.ts';
import type { Store } from '../store/index.ts';
import { getGolden } from '../store/repos/golden.ts';
import { writeMasterData } from '../store/repos/master-data.ts';
import { canonicalIdsFor, externalIdsFor, linkXrefs } from '../store/repos/xref.ts';
import { type DoneWrite, recordWrites } from './write-results.ts';

const spec = { name: 'sales_orders', entity: 'sales_order' } as StreamSpec;
const job = { connectionId: 'erp', stream: 'sales_orders', items: [] };
const original = 'SAL-ORD-2026-00001';
const amendment = 'SAL-ORD-2026-00001-1';

/**
 * ERPNext amends a submitted order to change it: the order is cancelled and a copy, with a new
 * name, stands in for it. The write of the linked order answers with the copy's name.
 */
describe.each(storeDrivers())('writes answered with a new id for a linked record, on $name', (driver) => {
  let store: Store;
  beforeEach(async () => {
    store = await driver.open();
  });
  afterEach(async () => {
    await store.close();
  });
  const db = () => store.db;

  const read = (connectionId: string, externalId: string, mapped: Record<string, unknown>) =>
    db().transaction((tx) =>
      writeMasterData(tx, {
        entity: 'sales_order',
        connectionId,
        stream: 'sales_orders',
        records: [{ externalId, raw: { name: externalId, ...mapped }, mapped }],
      }),
    );

  /** A sales order read from the ERP as `original` and from the CRM as OPP-1; its golden id. */
  async function orderHeldByBoth(promiseDate: string): Promise<string> {
    const [created] = await read('erp', original, { status: 'confirmed', promiseDate });
    const id = created!.canonicalId;
    await linkXrefs(db(), [
      { entity: 'sales_order', canonicalId: id, connectionId: 'crm', externalId: 'OPP-1' },
    ]);
    return id;
  }

  async function record(
    id: string,
    answer: Omit<Extract<WriteResult, { ok: true }>, 'ok' | 'idempotencyKey'>,
  ) {
    const golden = (await getGolden(db(), id))!;
    const idempotencyKey = `erp:sales_orders:${id}:${golden.version}`;
    const done: DoneWrite = {
      planned: {
        op: { idempotencyKey, action: 'upsert', canonicalId: id, externalId: original, record: {} },
        record: golden,
      },
      result: { ok: true, idempotencyKey, ...answer },
    };
    const conflicts: HubError[] = [];
    const recorded = await db().transaction((tx) =>
      recordWrites(tx, job, spec, [done], async (_write, error) => {
        conflicts.push(error);
      }),
    );
    return { recorded, conflicts: conflicts.map((error) => error.message), golden };
  }

  const rowsFor = async (table: 'source_records' | 'last_written') =>
    (
      await db().query<{ external_id: string; canonical_id: string }>(
        `SELECT external_id, canonical_id::text FROM ${table} WHERE connection_id = 'erp' ORDER BY external_id`,
      )
    ).rows;

  it("moves the link to the amendment, and reads the amendment back as the hub's own write", async () => {
    const id = await orderHeldByBoth('2026-12-01');
    await read('crm', 'OPP-1', { status: 'confirmed', promiseDate: '2026-12-05' });
    const { recorded, conflicts, golden } = await record(id, {
      externalId: amendment,
      created: false,
      replaces: original,
    });
    expect(conflicts).toEqual([]);
    expect(recorded).toHaveLength(1);
    expect(await externalIdsFor(db(), 'sales_order', 'erp', [id])).toEqual(new Map([[id, amendment]]));
    expect(await canonicalIdsFor(db(), 'sales_order', 'erp', [original])).toEqual(new Map());
    expect(await rowsFor('source_records')).toEqual([{ external_id: amendment, canonical_id: id }]);
    expect(await rowsFor('last_written')).toEqual([{ external_id: amendment, canonical_id: id }]);
    const { rows: keys } = await db().query<{ external_id: string; status: string }>(
      'SELECT external_id, status FROM outbound_writes WHERE canonical_id = $1',
      [id],
    );
    expect(keys).toEqual([{ external_id: amendment, status: 'done' }]);

    // The CRM moves the promise again before the ERP is read: the amendment still carries the
    // promise the hub wrote, which must neither make a new order nor undo the CRM's change.
    await read('crm', 'OPP-1', { status: 'confirmed', promiseDate: '2026-12-09' });
    const [readBack] = await read('erp', amendment, {
      status: 'confirmed',
      promiseDate: golden.body.promiseDate,
    });
    expect(readBack).toMatchObject({ canonicalId: id, outcome: 'echo' });
    expect((await getGolden(db(), id))!.body).toMatchObject({ promiseDate: '2026-12-09' });
    const { rows: orders } = await db().query<{ n: number }>(
      `SELECT count(*)::int AS n FROM golden_records WHERE entity = 'sales_order'`,
    );
    expect(orders[0]!.n).toBe(1);
  });

  it('files a conflict, keeping the old link, when another record already holds the new id', async () => {
    const id = await orderHeldByBoth('2026-12-01');
    const [other] = await read('erp', amendment, { status: 'confirmed', promiseDate: '2026-12-02' });
    const { recorded, conflicts } = await record(id, {
      externalId: amendment,
      created: false,
      replaces: original,
    });
    expect(conflicts).toEqual([
      `xref conflict: sales_order ${amendment} in connection erp is already linked to ${other!.canonicalId}, cannot link it to ${id}`,
    ]);
    expect(recorded).toEqual([]);
    expect(await externalIdsFor(db(), 'sales_order', 'erp', [id])).toEqual(new Map([[id, original]]));
    expect(await rowsFor('source_records')).toEqual([
      { external_id: original, canonical_id: id },
      { external_id: amendment, canonical_id: other!.canonicalId },
    ]);
    expect(await rowsFor('last_written')).toEqual([]);
  });

  it('files a conflict for another id answered without saying it replaces the linked one', async () => {
    const id = await orderHeldByBoth('2026-12-01');
    const { recorded, conflicts } = await record(id, { externalId: amendment, created: false });
    expect(conflicts).toEqual([
      `xref conflict: sales_order ${id} already has id ${original} in connection erp, cannot also link ${amendment}`,
    ]);
    expect(recorded).toEqual([]);
    expect(await externalIdsFor(db(), 'sales_order', 'erp', [id])).toEqual(new Map([[id, original]]));
  });

  it('moves one of two records answered with the same new id and files the other as a conflict', async () => {
    const first = await orderHeldByBoth('2026-12-01');
    const [second] = await read('erp', 'SAL-ORD-2026-00002', {
      status: 'confirmed',
      promiseDate: '2026-12-03',
    });
    const done = await Promise.all(
      [
        { id: first, from: original },
        { id: second!.canonicalId, from: 'SAL-ORD-2026-00002' },
      ].map(async ({ id, from }): Promise<DoneWrite> => {
        const golden = (await getGolden(db(), id))!;
        const idempotencyKey = `erp:sales_orders:${id}:${golden.version}:${randomUUID()}`;
        return {
          planned: {
            op: { idempotencyKey, action: 'upsert', canonicalId: id, externalId: from, record: {} },
            record: golden,
          },
          result: { ok: true, idempotencyKey, externalId: amendment, created: false, replaces: from },
        };
      }),
    );
    const conflicts: string[] = [];
    await db().transaction((tx) =>
      recordWrites(tx, job, spec, done, async (_write, error) => {
        conflicts.push(error.message);
      }),
    );
    expect(await canonicalIdsFor(db(), 'sales_order', 'erp', [amendment])).toEqual(
      new Map([[amendment, first]]),
    );
    expect(conflicts).toEqual([
      `xref conflict: sales_order ${amendment} in connection erp is already linked to ${first}, cannot link it to ${second!.canonicalId}`,
    ]);
  });
});
