import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mergeGoldenRecords } from '../../core/mdm/service/index.ts';
import {
  createMasterDataMatcher,
  matchNewRecords,
  type PageMatches,
} from '../../core/mdm/service/matcher.ts';
import type { Store } from '../../core/store/index.ts';
import { type IncomingRecord, writeMasterData } from '../../core/store/repos/master-data.ts';
import { openEmbeddedStore } from '../support/drivers.ts';

// On PostgreSQL a run matches page N+1 while page N is being written (core/sync/run-sync.ts):
// what page N decided travels to page N+1 in the matcher's carry.

const TAX_ID = '91350100M000100Y43';
let store: Store;
beforeEach(async () => {
  store = await openEmbeddedStore();
});
afterEach(async () => {
  await store.close();
});

const record = (id: string, mapped: Record<string, unknown>): IncomingRecord => ({
  externalId: id,
  raw: { id, ...mapped },
  mapped: { active: true, ...mapped },
});

const commit = (connectionId: string, records: IncomingRecord[], matched?: PageMatches) =>
  store.db.transaction((tx) =>
    writeMasterData(tx, {
      entity: 'customer',
      connectionId,
      stream: 'customers',
      records,
      matched,
      match: createMasterDataMatcher(tx, 'customer', { connectionId }),
    }),
  );

describe('pages matched ahead', () => {
  it('never let two ids of one connection join one golden record across consecutive pages', async () => {
    await commit('erp', [record('E-1', { name: '宁波恒达汽车零部件有限公司', taxId: TAX_ID })]);
    const first = [record('C-1', { name: 'Ningbo Hengda Auto Parts', taxId: TAX_ID })];
    const second = [
      record('C-2', { name: 'Ningbo Hengda Auto Parts Co.', taxId: TAX_ID }),
      record('C-99', { name: 'Unrelated Castings Works' }),
    ];
    const firstMatches = await matchNewRecords(store.db, 'customer', 'crm', first);
    const secondMatches = await matchNewRecords(store.db, 'customer', 'crm', second, firstMatches.carry);
    await commit('crm', first, firstMatches);
    await commit('crm', second, secondMatches);
    const { rows } = await store.db.query<{ external_id: string; canonical_id: string }>(
      `SELECT external_id, canonical_id FROM xref WHERE connection_id IN ('erp', 'crm') ORDER BY external_id`,
    );
    const canonicalOf = new Map(rows.map((row) => [row.external_id, row.canonical_id]));
    expect(canonicalOf.get('C-1')).toBe(canonicalOf.get('E-1'));
    expect(canonicalOf.get('C-2')).not.toBe(canonicalOf.get('C-1'));
    expect(canonicalOf.has('C-99')).toBe(true);
    const { rows: reviews } = await store.db.query<{ reasons: Array<{ code: string }> }>(
      'SELECT reasons FROM mdm_matches',
    );
    expect(reviews.some((review) => review.reasons.some((reason) => reason.code === 'same_connection'))).toBe(
      true,
    );
  });

  it('match a page again when another connection created records after it was matched', async () => {
    const erpPage = [record('E-7', { name: 'Ningbo Hengda Auto Parts', taxId: TAX_ID })];
    const erpMatches = await matchNewRecords(store.db, 'customer', 'erp', erpPage);
    // The CRM brings the same company while the ERP page waits to be written.
    await commit('crm', [record('C-7', { name: '宁波恒达汽车零部件有限公司', taxId: TAX_ID })]);
    await commit('erp', erpPage, erpMatches);
    const { rows } = await store.db.query<{ canonical_id: string }>(
      `SELECT DISTINCT canonical_id FROM xref WHERE external_id IN ('E-7', 'C-7')`,
    );
    expect(rows).toHaveLength(1);
  });

  it('send a record matched to a golden record merged away meanwhile to the survivor', async () => {
    await commit('erp', [record('E-1', { name: '宁波恒达汽车零部件有限公司', taxId: TAX_ID })]);
    await commit('crm', [record('C-5', { name: 'Alpha Tooling GmbH' })]);
    const canonicalOf = async (connectionId: string, externalId: string) =>
      (
        await store.db.query<{ canonical_id: string }>(
          'SELECT canonical_id FROM xref WHERE connection_id = $1 AND external_id = $2',
          [connectionId, externalId],
        )
      ).rows[0]?.canonical_id;
    const [matchedTo, survivor] = [await canonicalOf('erp', 'E-1'), await canonicalOf('crm', 'C-5')];
    const page = [record('S-1', { name: 'Ningbo Hengda Auto Parts', taxId: TAX_ID, owner: 'li' })];
    const matches = await matchNewRecords(store.db, 'customer', 'shop', page);
    expect(matches.assigned.get('S-1')).toBe(matchedTo);
    // A steward merges the matched record away before the page is written.
    await mergeGoldenRecords(store.db, { survivorId: survivor!, mergedId: matchedTo!, actor: 'steward' });
    await commit('shop', page, matches);
    expect(await canonicalOf('shop', 'S-1')).toBe(survivor);
  });

  it('drop what a deleted source alone gave a golden record that other sources keep', async () => {
    await commit('erp', [
      record('E-1', { name: '宁波恒达汽车零部件有限公司', taxId: TAX_ID, paymentTerms: 'NET60' }),
    ]);
    await commit('crm', [record('C-1', { name: 'Ningbo Hengda Auto Parts', taxId: TAX_ID, owner: 'li.na' })]);
    const { rows } = await store.db.query<{ canonical_id: string }>(
      `SELECT DISTINCT canonical_id FROM xref WHERE external_id IN ('E-1', 'C-1')`,
    );
    expect(rows).toHaveLength(1);
    const id = rows[0]!.canonical_id;
    await store.db.transaction((tx) =>
      writeMasterData(tx, {
        entity: 'customer',
        connectionId: 'erp',
        stream: 'customers',
        records: [],
        deletedExternalIds: ['E-1'],
      }),
    );
    const { rows: golden } = await store.db.query<{ body: Record<string, unknown>; deleted: boolean }>(
      'SELECT body, deleted FROM golden_records WHERE id = $1',
      [id],
    );
    expect(golden[0]).toMatchObject({ deleted: false, body: { owner: 'li.na' } });
    expect(golden[0]!.body.paymentTerms).toBeUndefined();
    const { rows: log } = await store.db.query<{ operation: string }>(
      'SELECT operation FROM change_log WHERE canonical_id = $1 ORDER BY version',
      [id],
    );
    expect(log.at(-1)?.operation).toBe('update');
  });
});
