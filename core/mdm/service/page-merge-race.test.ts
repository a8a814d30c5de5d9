import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { connectTwoSystems } from '../../../tests/integration/mdm-fixture.ts';
import { openPostgresStore } from '../../../tests/support/drivers.ts';
import { startTestHub, type TestHub } from '../../../tests/support/test-hub.ts';
import { createMemoryQueue } from '../../queue/memory-driver.ts';
import { changeLogOf, getGolden } from '../../store/repos/golden.ts';
import { type IncomingRecord, writeMasterData } from '../../store/repos/master-data.ts';
import { mergeGoldenRecords, unmergeGoldenRecords } from './index.ts';
import type { PageMatches } from './matcher.ts';

const databaseUrl = process.env.DATABASE_URL;
const fresh = '00000000-0000-4000-8000-0000000000aa';

/** A match hook that lets `meanwhile` commit first, then gives the page's new record an id of its own. */
function matchAfter(meanwhile: () => Promise<unknown>) {
  return async (): Promise<PageMatches> => {
    await meanwhile();
    return {
      assigned: new Map([['C-NEW', fresh]]),
      reviews: [],
      carry: {
        inputs: new Map([[fresh, { id: fresh, values: {} }]]),
        byKey: new Map(),
        external: new Map(),
        saturated: new Set(),
      },
    };
  };
}

/**
 * A page reads its xrefs, then matches its new records, then locks their golden records. A steward's
 * merge or unmerge that commits in between (it runs on another connection) moves the xref of a
 * record the page holds: the page follows it, and the source record names the golden record the
 * xref does.
 */
describe.skipIf(!databaseUrl)('a page written while a steward merges or unmerges its record', () => {
  let test: TestHub;
  let crmId: string;
  let erpId: string;
  beforeEach(async () => {
    test = await startTestHub({
      store: await openPostgresStore(databaseUrl!),
      queue: createMemoryQueue(),
      workers: false,
    });
    await connectTwoSystems(test.hub);
    [crmId] = await write([
      { externalId: 'C-1', raw: {}, mapped: { name: 'Acme Tools', phone: '+1 555 0100' } },
    ]);
    [erpId] = await write([{ externalId: 'E-1', raw: {}, mapped: { name: 'ACME Tools Inc' } }], 'erp');
  });
  afterEach(async () => {
    await test.stop();
  });
  const db = () => test.hub.store.db;

  async function write(records: IncomingRecord[], connectionId = 'crm', meanwhile?: () => Promise<unknown>) {
    const written = await db().transaction((tx) =>
      writeMasterData(tx, {
        entity: 'customer',
        connectionId,
        stream: 'customers',
        records,
        ...(meanwhile ? { match: matchAfter(meanwhile) } : {}),
      }),
    );
    return written.map((row) => row.canonicalId);
  }
  const updateMeanwhile = (meanwhile: () => Promise<unknown>) =>
    write(
      [
        { externalId: 'C-1', raw: {}, mapped: { name: 'Acme Tools', phone: '+1 555 0199' } },
        { externalId: 'C-NEW', raw: {}, mapped: { name: 'Zeta Works' } },
      ],
      'crm',
      meanwhile,
    );
  async function linksOf(externalId: string) {
    const { rows } = await db().query<{ xref: string; source: string }>(
      `SELECT x.canonical_id AS xref, s.canonical_id AS source FROM xref x
       JOIN source_records s ON s.connection_id = x.connection_id AND s.external_id = x.external_id
       WHERE x.connection_id = 'crm' AND x.external_id = $1`,
      [externalId],
    );
    return rows[0]!;
  }

  it('writes the record to the survivor of a merge, never to the merged-away record', async () => {
    const [written] = await updateMeanwhile(() =>
      mergeGoldenRecords(db(), { survivorId: erpId, mergedId: crmId, actor: 'steward' }),
    );
    expect(written).toBe(erpId);
    expect(await linksOf('C-1')).toEqual({ xref: erpId, source: erpId });
    expect((await changeLogOf(db(), crmId)).map((entry) => entry.operation)).toEqual(['create', 'merge']);
    expect((await getGolden(db(), erpId))!.body).toMatchObject({ name: 'Acme Tools', phone: '+1 555 0199' });
  });

  it('writes the record back to its own golden record after an unmerge', async () => {
    const merge = await mergeGoldenRecords(db(), { survivorId: erpId, mergedId: crmId, actor: 'steward' });
    const before = (await getGolden(db(), erpId))!.version;
    const [written] = await updateMeanwhile(() =>
      unmergeGoldenRecords(db(), { mergeId: merge.mergeId, actor: 'steward' }),
    );
    expect(written).toBe(crmId);
    expect(await linksOf('C-1')).toEqual({ xref: crmId, source: crmId });
    expect((await getGolden(db(), crmId))!.body.phone).toBe('+1 555 0199');
    // The survivor got its unmerge and nothing of the page.
    const survivor = (await getGolden(db(), erpId))!;
    expect(survivor.version).toBe(before + 1);
    expect(survivor.body).toEqual({ name: 'ACME Tools Inc' });
  });
});
