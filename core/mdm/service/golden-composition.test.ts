import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { connectTwoSystems } from '../../../tests/integration/mdm-fixture.ts';
import { storeDrivers } from '../../../tests/support/drivers.ts';
import { startTestHub, type TestHub } from '../../../tests/support/test-hub.ts';
import type { CanonicalEntity } from '../../connector/types.ts';
import { writeHubRecord } from '../../flow/golden-writes.ts';
import { createMemoryQueue } from '../../queue/memory-driver.ts';
import { getGolden } from '../../store/repos/golden.ts';
import { writeMasterData } from '../../store/repos/master-data.ts';
import { mergeGoldenRecords, unmergeGoldenRecords } from './index.ts';

const toc = { throughputPerConstraintMinute: 12.5, constraint: 'Paint' };

/**
 * Every write that decides a golden body from its sources (an inbound page, a merge, an unmerge, a
 * source delete) makes it the same way: survivorship over the live sources, with the incoming
 * record, plus the fields the hub itself wrote.
 */
describe.each(storeDrivers())('the golden body on $name', (driver) => {
  let test: TestHub;
  beforeEach(async () => {
    test = await startTestHub({ store: await driver.open(), queue: createMemoryQueue(), workers: false });
    await connectTwoSystems(test.hub);
  });
  afterEach(async () => {
    await test.stop();
  });
  const db = () => test.hub.store.db;
  const write = (
    connectionId: string,
    externalId: string,
    mapped: Record<string, unknown>,
    entity: CanonicalEntity = 'item',
  ) =>
    db().transaction((tx) =>
      writeMasterData(tx, {
        entity,
        connectionId,
        stream: `${entity}s`,
        records: [{ externalId, raw: mapped, mapped }],
      }),
    );
  const remove = (connectionId: string, externalId: string) =>
    db().transaction((tx) =>
      writeMasterData(tx, {
        entity: 'item',
        connectionId,
        stream: 'items',
        records: [],
        deletedExternalIds: [externalId],
      }),
    );
  const link = (connectionId: string, externalId: string, id: string) =>
    db().query(
      `INSERT INTO xref (entity, canonical_id, connection_id, external_id) VALUES ('item', $1, $2, $3)`,
      [id, connectionId, externalId],
    );
  const annotate = (id: string) =>
    writeHubRecord(db(), { entity: 'item', id, source: 'flow:throughput-scoring' }, (current) => ({
      ...current,
      toc,
    }));
  const bodyOf = async (id: string) => (await getGolden(db(), id))!.body;

  /** An item both systems hold, annotated by the throughput-scoring flow. */
  async function annotatedItem(): Promise<string> {
    const body = { sku: 'BRK-100', name: 'Bracket', uom: 'ea' };
    const [created] = await write('erp', 'E-1', body);
    await link('crm', 'C-1', created!.canonicalId);
    await write('crm', 'C-1', body);
    await annotate(created!.canonicalId);
    return created!.canonicalId;
  }

  it('keeps what the hub wrote when one of two sources sends an update', async () => {
    const id = await annotatedItem();
    await write('erp', 'E-1', { sku: 'BRK-100', name: 'Bracket, steel', uom: 'ea' });
    expect(await bodyOf(id)).toMatchObject({ name: 'Bracket, steel', toc });
    expect((await getGolden(db(), id))!.lineage.toc).toMatchObject({
      connectionId: 'flow:throughput-scoring',
    });
  });

  it('keeps what the hub wrote when one of two sources is deleted', async () => {
    const id = await annotatedItem();
    await write('crm', 'C-1', { sku: 'BRK-100', name: 'Bracket', uom: 'ea', description: 'from the CRM' });
    await remove('crm', 'C-1');
    const body = await bodyOf(id);
    expect(body).toMatchObject({ name: 'Bracket', toc });
    expect(body.description).toBeUndefined();
  });

  it("keeps the survivor's annotation across a merge, and both records' across the unmerge", async () => {
    const [a] = await write('erp', 'E-2', { sku: 'BRK-200', name: 'Bracket 200', uom: 'ea' });
    const [b] = await write('crm', 'C-2', { sku: 'BRK-200', name: 'Bracket 200 mm', uom: 'ea' });
    await annotate(a!.canonicalId);
    const merge = await mergeGoldenRecords(db(), {
      survivorId: a!.canonicalId,
      mergedId: b!.canonicalId,
      actor: 'steward',
    });
    expect(merge.survivor.body).toMatchObject({ sku: 'BRK-200', toc });
    // The survivor changes after the merge: the unmerge recomputes it from its sources.
    await write('erp', 'E-2', { sku: 'BRK-200', name: 'Bracket 200, zinc', uom: 'ea' });
    const undone = await unmergeGoldenRecords(db(), { mergeId: merge.mergeId, actor: 'steward' });
    expect(undone.survivor.body).toEqual({ sku: 'BRK-200', name: 'Bracket 200, zinc', uom: 'ea', toc });
    expect(undone.merged.body).toEqual({ sku: 'BRK-200', name: 'Bracket 200 mm', uom: 'ea' });
  });

  it('drops a field its only source no longer sends, as it does with two sources', async () => {
    const [created] = await write('crm', 'C-3', { name: 'Acme Tools', phone: '+1 555 0100' }, 'customer');
    const [updated] = await write('crm', 'C-3', { name: 'Acme Tools' }, 'customer');
    expect(updated).toMatchObject({ outcome: 'updated', changedFields: ['phone'] });
    expect(await bodyOf(created!.canonicalId)).toEqual({ name: 'Acme Tools' });
  });

  it('leaves a record its only source sends again unchanged, empty values and all', async () => {
    const deal = { name: 'Deal 1', customerId: 'c1', stage: 'proposal', lines: [] };
    const [created] = await write('crm', 'D-1', deal, 'opportunity');
    const [again] = await write('crm', 'D-1', deal, 'opportunity');
    expect(again).toMatchObject({ outcome: 'unchanged', version: created!.version });
    expect(await bodyOf(created!.canonicalId)).toEqual(deal);
  });
});
