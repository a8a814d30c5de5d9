import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mergeGoldenRecords, unmergeGoldenRecords } from '../../core/mdm/service/index.ts';
import { createMemoryQueue } from '../../core/queue/memory-driver.ts';
import { changeLogOf, getGolden } from '../../core/store/repos/golden.ts';
import { writeMasterData } from '../../core/store/repos/master-data.ts';
import { storeDrivers } from '../support/drivers.ts';
import { startTestHub, type TestHub } from '../support/test-hub.ts';
import { canonicalIdOf, connectTwoSystems, liveGoldenCount, type TwoSystems } from './mdm-fixture.ts';

const TAX_ID = '91350100M000100Y43';

describe.each(storeDrivers())('unmerging records whose sources were deleted, on $name', (driver) => {
  let test: TestHub;
  let systems: TwoSystems;
  let survivorId: string;
  let mergedId: string;
  beforeEach(async () => {
    test = await startTestHub({ store: await driver.open(), queue: createMemoryQueue(), workers: false });
    systems = await connectTwoSystems(test.hub);
    systems.crm.put('customers', {
      id: 'C-50',
      name: 'Shanghai Yongli Electronic Technology',
      owner: 'wang',
    });
    systems.erp.put('customers', {
      id: 'E-50',
      name: 'Hangzhou Kaiyuan Valve Works',
      taxId: TAX_ID,
      paymentTerms: 'NET90',
    });
    await systems.sync('crm');
    await systems.sync('erp');
    survivorId = await canonicalIdOf(test.hub, 'crm', 'C-50');
    mergedId = await canonicalIdOf(test.hub, 'erp', 'E-50');
  });
  afterEach(async () => {
    await test.stop();
  });

  const db = () => test.hub.store.db;

  const deleteSource = (connectionId: 'crm' | 'erp', externalId: string) =>
    db().transaction((tx) =>
      writeMasterData(tx, {
        entity: 'customer',
        connectionId,
        stream: 'customers',
        records: [],
        deletedExternalIds: [externalId],
      }),
    );

  /** The changes the outbox carries for one version of a record, with the system they are from. */
  const outboxChanges = async (canonicalId: string, version: number) => {
    const { rows } = await db().query<{ operation: string; sourceSystem: string }>(
      `SELECT c->>'operation' AS operation, o.payload->>'sourceSystem' AS "sourceSystem"
       FROM outbox o, jsonb_array_elements(o.payload->'changes') AS c
       WHERE c->>'canonicalId' = $1 AND (c->>'version')::int = $2 ORDER BY o.id`,
      [canonicalId, version],
    );
    return rows;
  };

  const indexedKeys = async (canonicalId: string) => {
    const { rows } = await db().query<{ n: number }>(
      'SELECT count(*)::int AS n FROM mdm_blocking_keys WHERE canonical_id = $1',
      [canonicalId],
    );
    return rows[0]!.n;
  };

  it('brings back a merged record whose only source was deleted meanwhile as deleted, not live', async () => {
    const merge = await mergeGoldenRecords(db(), { survivorId, mergedId, actor: 'steward' });
    await deleteSource('erp', 'E-50');
    expect((await getGolden(db(), survivorId))!.body.taxId).toBeUndefined();

    const undone = await unmergeGoldenRecords(db(), { mergeId: merge.mergeId, actor: 'steward' });
    expect(undone.merged).toMatchObject({ id: mergedId, mergedInto: null, deleted: true });
    expect(undone.survivor).toMatchObject({ id: survivorId, deleted: false });
    expect(undone.survivor.body).toMatchObject({
      name: 'Shanghai Yongli Electronic Technology',
      owner: 'wang',
    });
    expect(await liveGoldenCount(test.hub)).toBe(1);
    expect(await indexedKeys(mergedId)).toBe(0);

    // Logged and sent as the source delete would have been had the records never been merged.
    expect((await changeLogOf(db(), mergedId)).at(-1)).toMatchObject({
      version: undone.merged.version,
      operation: 'delete',
      body: null,
      sourceSystem: 'erp',
    });
    expect(await outboxChanges(mergedId, undone.merged.version)).toEqual([
      { operation: 'delete', sourceSystem: 'erp' },
    ]);
    expect(await outboxChanges(survivorId, undone.survivor.version)).toEqual([
      { operation: 'unmerge', sourceSystem: 'mdm' },
    ]);

    // The source arriving again revives the record under its own id.
    systems.erp.put('customers', { id: 'E-50', paymentTerms: 'NET30' });
    await systems.sync('erp');
    const revived = (await getGolden(db(), mergedId))!;
    expect(revived).toMatchObject({ id: mergedId, deleted: false });
    expect(revived.body).toMatchObject({ name: 'Hangzhou Kaiyuan Valve Works', paymentTerms: 'NET30' });
    expect(await liveGoldenCount(test.hub)).toBe(2);
  });

  it('leaves both records deleted when every source of both was deleted while they were merged', async () => {
    const merge = await mergeGoldenRecords(db(), { survivorId, mergedId, actor: 'steward' });
    await deleteSource('erp', 'E-50');
    await deleteSource('crm', 'C-50');
    expect((await getGolden(db(), survivorId))!.deleted).toBe(true);

    const undone = await unmergeGoldenRecords(db(), { mergeId: merge.mergeId, actor: 'steward' });
    expect(undone.merged).toMatchObject({ mergedInto: null, deleted: true });
    expect(undone.survivor).toMatchObject({ mergedInto: null, deleted: true });
    expect(await liveGoldenCount(test.hub)).toBe(0);
    expect(await outboxChanges(mergedId, undone.merged.version)).toEqual([
      { operation: 'delete', sourceSystem: 'erp' },
    ]);
    expect(await outboxChanges(survivorId, undone.survivor.version)).toEqual([
      { operation: 'delete', sourceSystem: 'crm' },
    ]);
    // The survivor's body no longer carries what the merged record gave it.
    expect(undone.survivor.body.taxId).toBeUndefined();
  });
});
