import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  approveMatch,
  mergeGoldenRecords,
  recordDetail,
  unmergeGoldenRecords,
} from '../../core/mdm/service/index.ts';
import { rebuildBlockingIndex } from '../../core/mdm/store/blocking-index.ts';
import { listMatches } from '../../core/mdm/store/matches.ts';
import { saveSurvivorship } from '../../core/mdm/store/settings.ts';
import { createMemoryQueue } from '../../core/queue/memory-driver.ts';
import { getGolden } from '../../core/store/repos/golden.ts';
import { xrefsOf } from '../../core/store/repos/xref.ts';
import { storeDrivers } from '../support/drivers.ts';
import { startTestHub, type TestHub } from '../support/test-hub.ts';
import { canonicalIdOf, connectTwoSystems, liveGoldenCount, type TwoSystems } from './mdm-fixture.ts';

const TAX_ID = '91350100M000100Y43';

describe.each(storeDrivers())('master data on $name', (driver) => {
  let test: TestHub;
  let systems: TwoSystems;
  beforeEach(async () => {
    test = await startTestHub({ store: await driver.open(), queue: createMemoryQueue(), workers: false });
    systems = await connectTwoSystems(test.hub);
    await saveSurvivorship(test.hub.store.db, 'customer', {
      fields: {
        taxId: { strategy: 'sourcePriority', systems: ['erp'] },
        paymentTerms: { strategy: 'sourcePriority', systems: ['erp'] },
        phone: { strategy: 'sourcePriority', systems: ['crm'] },
        owner: { strategy: 'sourcePriority', systems: ['crm'] },
      },
    });
  });
  afterEach(async () => {
    await test.stop();
  });

  const db = () => test.hub.store.db;

  it('makes one golden record of one company synced by two systems, each field from its winning source', async () => {
    systems.erp.put('customers', {
      id: 'E-100',
      name: '宁波恒达汽车零部件有限公司',
      taxId: TAX_ID,
      paymentTerms: 'NET60',
      phone: '0574-8765 0000',
    });
    systems.crm.put('customers', {
      id: 'C-7',
      name: 'Ningbo Hengda Auto Parts',
      taxId: TAX_ID,
      paymentTerms: 'NET30',
      phone: '+86 574 8765 4321',
      owner: 'li.na',
    });
    expect((await systems.sync('erp')).counts.created).toBe(1);
    const crmRun = await systems.sync('crm');
    expect(crmRun.counts).toMatchObject({ created: 0, updated: 1 });

    expect(await liveGoldenCount(test.hub)).toBe(1);
    const id = await canonicalIdOf(test.hub, 'erp', 'E-100');
    expect(await canonicalIdOf(test.hub, 'crm', 'C-7')).toBe(id);
    const detail = (await recordDetail(db(), id))!;
    expect(detail.xrefs.map((x) => `${x.connectionId}:${x.externalId}`)).toEqual(['crm:C-7', 'erp:E-100']);
    expect(detail.sources).toHaveLength(2);
    expect(detail.record.body).toMatchObject({
      name: 'Ningbo Hengda Auto Parts',
      taxId: TAX_ID,
      paymentTerms: 'NET60',
      phone: '+86 574 8765 4321',
      owner: 'li.na',
    });
    expect(detail.lineage).toMatchObject({
      taxId: { connectionId: 'erp', externalId: 'E-100', kind: 'memory' },
      paymentTerms: { connectionId: 'erp', externalId: 'E-100' },
      phone: { connectionId: 'crm', externalId: 'C-7' },
      owner: { connectionId: 'crm', externalId: 'C-7' },
      name: { connectionId: 'crm', externalId: 'C-7' },
    });

    // A later ERP change wins its own fields but not the CRM's phone; name follows the most recent.
    systems.erp.put('customers', { id: 'E-100', paymentTerms: 'NET45', phone: '0574-1111 2222' });
    expect((await systems.sync('erp')).counts.updated).toBe(1);
    const after = (await getGolden(db(), id))!;
    expect(after.body).toMatchObject({
      paymentTerms: 'NET45',
      phone: '+86 574 8765 4321',
      name: '宁波恒达汽车零部件有限公司',
    });
    expect(after.lineage).toMatchObject({
      paymentTerms: { connectionId: 'erp' },
      phone: { connectionId: 'crm' },
      name: { connectionId: 'erp' },
    });
  });

  it('matches against records written before the index existed once it is rebuilt', async () => {
    systems.erp.put('customers', { id: 'E-200', name: '宁波恒达汽车零部件有限公司', taxId: TAX_ID });
    await systems.sync('erp');
    await db().query('DELETE FROM mdm_blocking_keys');
    expect(await rebuildBlockingIndex(db(), 'customer')).toBe(1);
    systems.crm.put('customers', { id: 'C-200', name: 'Ningbo Hengda Auto Parts', taxId: TAX_ID });
    await systems.sync('crm');
    expect(await canonicalIdOf(test.hub, 'crm', 'C-200')).toBe(await canonicalIdOf(test.hub, 'erp', 'E-200'));
  });

  it('picks the configured source whatever the order of arrival', async () => {
    await saveSurvivorship(db(), 'customer', {
      fields: { paymentTerms: { strategy: 'sourcePriority', systems: ['crm'] } },
    });
    systems.crm.put('customers', {
      id: 'C-1',
      name: 'Ningbo Hengda Auto Parts',
      taxId: TAX_ID,
      paymentTerms: 'NET30',
    });
    systems.erp.put('customers', {
      id: 'E-1',
      name: '宁波恒达汽车零部件有限公司',
      taxId: TAX_ID,
      paymentTerms: 'NET60',
    });
    await systems.sync('crm');
    await systems.sync('erp');
    const golden = (await getGolden(db(), await canonicalIdOf(test.hub, 'erp', 'E-1')))!;
    expect(golden.body.paymentTerms).toBe('NET30');
    expect(golden.lineage.paymentTerms).toMatchObject({ connectionId: 'crm', externalId: 'C-1' });
  });

  it('files a near-duplicate for review, and approving it merges the two', async () => {
    systems.crm.put('customers', {
      id: 'C-20',
      name: 'Suzhou Huaxin Precision Machinery Co., Ltd.',
      phone: '+86 512 6666 1234',
      email: 'info@huaxin-pm.com',
    });
    systems.erp.put('customers', {
      id: 'E-20',
      name: 'Huaxin Precision Machinery',
      phone: '+86 512 6666 9999',
    });
    await systems.sync('crm');
    expect((await systems.sync('erp')).counts.created).toBe(1);
    expect(await liveGoldenCount(test.hub)).toBe(2);
    const crmId = await canonicalIdOf(test.hub, 'crm', 'C-20');
    const erpId = await canonicalIdOf(test.hub, 'erp', 'E-20');

    const { items, total } = await listMatches(db(), { state: 'review', limit: 10, offset: 0 });
    expect(total).toBe(1);
    expect(items[0]).toMatchObject({ entity: 'customer', leftId: crmId, rightId: erpId, state: 'review' });
    expect(items[0]!.score).toBeGreaterThanOrEqual(0.45);
    expect(items[0]!.score).toBeLessThan(0.6);
    expect(items[0]!.reasons).toContainEqual({ code: 'field', field: 'core', similarity: 1 });

    const approved = await approveMatch(db(), items[0]!.id, 'reviewer@example.com');
    expect(approved.match).toMatchObject({
      state: 'approved',
      decidedBy: 'reviewer@example.com',
      mergeId: approved.merge!.mergeId,
    });
    expect(await liveGoldenCount(test.hub)).toBe(1);
    expect((await getGolden(db(), erpId))!.id).toBe(crmId);
    expect((await xrefsOf(db(), crmId)).map((x) => x.externalId)).toEqual(['C-20', 'E-20']);
    await expect(approveMatch(db(), items[0]!.id, 'again')).rejects.toThrow(/already approved/);
  });

  it('never joins two ids of one connection automatically: the pair goes to review, and approving it is refused', async () => {
    systems.crm.put('customers', { id: 'C-7', name: 'Ningbo Hengda Auto Parts', taxId: TAX_ID });
    await systems.sync('crm');
    systems.crm.put('customers', { id: 'C-8', name: 'Ningbo Hengda Auto Parts Co.', taxId: TAX_ID });
    expect((await systems.sync('crm')).counts.created).toBe(1);
    expect(await liveGoldenCount(test.hub)).toBe(2);
    const { items } = await listMatches(db(), { state: 'review', limit: 10, offset: 0 });
    expect(items).toHaveLength(1);
    expect(items[0]!.reasons).toContainEqual({
      code: 'same_connection',
      connectionId: 'crm',
      externalIds: ['C-7', 'C-8'],
    });
    await expect(approveMatch(db(), items[0]!.id, 'reviewer')).rejects.toThrow(
      /connection crm would hold two ids .*: C-7 and C-8/,
    );
    expect((await listMatches(db(), { state: 'review', limit: 10, offset: 0 })).total).toBe(1);
  });

  it('merge then unmerge restores the records, their xrefs, source records and lineage; a merged id redirects', async () => {
    systems.crm.put('customers', {
      id: 'C-30',
      name: 'Shanghai Yongli Electronic Technology',
      phone: '+86 21 5555 1234',
      owner: 'wang',
    });
    systems.erp.put('customers', {
      id: 'E-30',
      name: 'Hangzhou Kaiyuan Valve Works',
      taxId: TAX_ID,
      paymentTerms: 'NET90',
    });
    await systems.sync('crm');
    await systems.sync('erp');
    const survivorId = await canonicalIdOf(test.hub, 'crm', 'C-30');
    const mergedId = await canonicalIdOf(test.hub, 'erp', 'E-30');
    expect(survivorId).not.toBe(mergedId);
    const snapshot = async () => {
      const { rows } = await db().query<{
        id: string;
        body: unknown;
        lineage: unknown;
        merged_into: string | null;
      }>('SELECT id, body, lineage, merged_into FROM golden_records WHERE id = ANY($1::uuid[]) ORDER BY id', [
        [survivorId, mergedId],
      ]);
      const xrefs = await db().query(
        'SELECT entity, canonical_id, connection_id, external_id FROM xref ORDER BY external_id',
      );
      const sources = await db().query(
        'SELECT connection_id, external_id, canonical_id, mapped FROM source_records ORDER BY external_id',
      );
      return { golden: rows, xrefs: xrefs.rows, sources: sources.rows };
    };
    const before = await snapshot();

    const merged = await mergeGoldenRecords(db(), { survivorId, mergedId, actor: 'steward' });
    expect(merged.merged.mergedInto).toBe(survivorId);
    expect(merged.survivor.body).toMatchObject({
      name: 'Hangzhou Kaiyuan Valve Works',
      owner: 'wang',
      taxId: TAX_ID,
      paymentTerms: 'NET90',
    });
    expect(merged.survivor.lineage).toMatchObject({
      owner: { connectionId: 'crm', externalId: 'C-30' },
      taxId: { connectionId: 'erp', externalId: 'E-30' },
    });
    const redirected = (await recordDetail(db(), mergedId))!;
    expect(redirected).toMatchObject({ redirectedFrom: mergedId, record: { id: survivorId } });
    expect(redirected.xrefs.map((x) => x.externalId)).toEqual(['C-30', 'E-30']);
    expect(redirected.sources.map((s) => s.externalId)).toEqual(['C-30', 'E-30']);
    expect(redirected.merges).toMatchObject([
      { id: merged.mergeId, survivorId, mergedId, actor: 'steward', unmergedAt: null },
    ]);
    expect(redirected.history.at(-1)).toMatchObject({ operation: 'merge', sourceSystem: 'mdm' });
    const outbox = await db().query<{ change: { operation: string } }>(
      `SELECT change FROM outbox, jsonb_array_elements(payload->'changes') AS change WHERE change->>'operation' = 'merge'`,
    );
    expect(outbox.rows).toHaveLength(2);
    await expect(mergeGoldenRecords(db(), { survivorId, mergedId, actor: 'steward' })).rejects.toThrow(
      /already merged/,
    );

    const undone = await unmergeGoldenRecords(db(), { mergeId: merged.mergeId, actor: 'steward' });
    expect(undone.merged.mergedInto).toBeNull();
    expect(await snapshot()).toEqual(before);
    const detail = (await recordDetail(db(), mergedId))!;
    expect(detail.redirectedFrom).toBeUndefined();
    expect(detail.merges[0]).toMatchObject({ id: merged.mergeId, unmergedBy: 'steward' });
    expect(detail.history.at(-1)).toMatchObject({ operation: 'unmerge' });
    await expect(unmergeGoldenRecords(db(), { mergeId: merged.mergeId, actor: 'steward' })).rejects.toThrow(
      /already undone/,
    );

    // After the unmerge, matching finds each record again under its own id.
    systems.erp.put('customers', { id: 'E-30', paymentTerms: 'NET30' });
    await systems.sync('erp');
    expect((await getGolden(db(), mergedId))!.body.paymentTerms).toBe('NET30');
    expect((await getGolden(db(), survivorId))!.body.paymentTerms).toBeUndefined();
  });

  it('refuses a merge that would give one connection two ids, naming both', async () => {
    systems.crm.put('customers', { id: 'C-40', name: 'Alpha Tooling' });
    systems.crm.put('customers', { id: 'C-41', name: 'Beta Castings' });
    await systems.sync('crm');
    const [a, b] = [
      await canonicalIdOf(test.hub, 'crm', 'C-40'),
      await canonicalIdOf(test.hub, 'crm', 'C-41'),
    ];
    await expect(mergeGoldenRecords(db(), { survivorId: a, mergedId: b, actor: 'x' })).rejects.toThrow(
      `Cannot merge ${b} into ${a}: connection crm would hold two ids for one customer: C-40 and C-41`,
    );
    expect(await liveGoldenCount(test.hub)).toBe(2);
  });
});
