import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeDrivers } from '../../../tests/support/drivers.ts';
import { createMasterDataMatcher } from '../../mdm/service/matcher.ts';
import type { Store } from '../index.ts';
import { searchGolden } from './golden.ts';
import { writeMasterData } from './master-data.ts';

// The master-data search looks in the body's JSON text, where a value's " reads \" and its \ reads \\.
describe.each(storeDrivers())('golden record search on $name', (driver) => {
  let store: Store;
  beforeAll(async () => {
    store = await driver.open();
    const customers = [
      { name: 'Alpha Tooling', paymentTerms: 'Net 30 "EOM"' },
      { name: 'Beta Castings', website: 'files\\share' },
      { name: 'Gamma "Works"', paymentTerms: 'Net 60' },
    ];
    await store.db.transaction((tx) =>
      writeMasterData(tx, {
        entity: 'customer',
        connectionId: 'crm',
        stream: 'customers',
        records: customers.map((customer, index) => ({
          externalId: `S-${index}`,
          raw: customer,
          mapped: { active: true, ...customer },
        })),
        match: createMasterDataMatcher(tx, 'customer', { connectionId: 'crm' }),
      }),
    );
  });
  afterAll(async () => {
    await store?.close();
  });
  const names = async (q: string) =>
    (await searchGolden(store.db, { entity: 'customer', q, limit: 10, offset: 0 })).items.map(
      (record) => record.displayName,
    );

  it('finds body values holding a double quote or a backslash as typed', async () => {
    expect(await names('net 30 "eom"')).toEqual(['Alpha Tooling']);
    expect(await names('Files\\Share')).toEqual(['Beta Castings']);
  });

  it('still finds display names holding a double quote', async () => {
    expect(await names('gamma "works"')).toEqual(['Gamma "Works"']);
  });
});
