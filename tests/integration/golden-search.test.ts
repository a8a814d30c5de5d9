import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMasterDataMatcher } from '../../core/mdm/service/matcher.ts';
import type { Store } from '../../core/store/index.ts';
import { searchGolden } from '../../core/store/repos/golden.ts';
import { writeMasterData } from '../../core/store/repos/master-data.ts';
import { openEmbeddedStore } from '../support/drivers.ts';

let store: Store;
beforeEach(async () => {
  store = await openEmbeddedStore();
  const names = ['Alpha Tooling GmbH', 'Beta 100% Castings', 'Gamma_Works Ltd'];
  await store.db.transaction((tx) =>
    writeMasterData(tx, {
      entity: 'customer',
      connectionId: 'crm',
      stream: 'customers',
      records: names.map((name, index) => ({
        externalId: `S-${index}`,
        raw: { name },
        mapped: { active: true, name },
      })),
      match: createMasterDataMatcher(tx, 'customer', { connectionId: 'crm' }),
    }),
  );
});
afterEach(async () => {
  await store.close();
});

describe('golden record search', () => {
  it('takes % and _ typed by a user literally', async () => {
    const names = async (q: string) =>
      (await searchGolden(store.db, { entity: 'customer', q, limit: 10, offset: 0 })).items.map(
        (record) => record.displayName,
      );
    expect(await names('_')).toEqual(['Gamma_Works Ltd']);
    expect(await names('100%')).toEqual(['Beta 100% Castings']);
    expect(await names('tooling')).toEqual(['Alpha Tooling GmbH']);
  });
});
