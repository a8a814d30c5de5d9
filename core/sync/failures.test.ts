import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeDrivers } from '../../tests/support/drivers.ts';
import { HubError } from '../errors/index.ts';
import type { Store } from '../store/index.ts';
import { listFailures, recordFailure } from './failures.ts';

// Vendor payloads carry inch marks (12" pipe) and Windows paths; jsonb's text writes them as \" and
// \\, yet the operator searches for them as they read them.
describe.each(storeDrivers())('the failures text filter on $name', (driver) => {
  let store: Store;
  beforeAll(async () => {
    store = await driver.open();
    const payloads = [
      { id: 'item-1', description: 'Pipe 12" steel' },
      { id: 'item-2', drawing: 'C:\\drawings\\A-100.pdf' },
      { id: 'item-3', note: 'tab\there, 100% sure' },
    ];
    for (const payload of payloads)
      await recordFailure(store.db, {
        connectionId: 'crm',
        stream: 'items',
        direction: 'in',
        externalId: payload.id,
        rawPayload: payload,
        error: new HubError('invalid_data', 'bad_unit', 'unit "mm2" is not known'),
      });
  });
  afterAll(async () => {
    await store?.close();
  });
  const idsFor = async (text: string) =>
    (await listFailures(store.db, { text })).items.map((failure) => failure.externalId).sort();

  it('finds payload values holding a double quote or a backslash as typed', async () => {
    expect(await idsFor('12" steel')).toEqual(['item-1']);
    expect(await idsFor('C:\\drawings\\A-100')).toEqual(['item-2']);
    expect(await idsFor('tab\there')).toEqual(['item-3']);
  });

  it('still takes % and _ literally and searches the message as it is stored', async () => {
    expect(await idsFor('100%')).toEqual(['item-3']);
    expect(await idsFor('a_100')).toEqual([]);
    expect(await idsFor('"mm2"')).toEqual(['item-1', 'item-2', 'item-3']);
  });
});
