import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEmbeddedStore } from '../../../tests/support/drivers.ts';
import { hubErrorOf } from '../../../tests/support/hub-error-of.ts';
import type { Store } from '../../store/index.ts';
import { runTocService } from './registry.ts';

describe('TOC service parameters beyond any real plan are a 400 naming the field, not a 500', () => {
  let store: Store;
  beforeAll(async () => {
    store = await openEmbeddedStore();
  });
  afterAll(async () => {
    await store.close();
  });

  it.each([
    ['supplier-performance', 'windowDays'],
    ['buffers', 'aduWindowDays'],
    ['buffers', 'defaultDltDays'],
    ['time-buffers', 'bufferDays'],
    ['drum-schedule', 'shippingBufferDays'],
    ['quote', 'productionBufferDays'],
    ['throughput', 'horizonDays'],
  ])('%s ?%s=1000000000', async (service, field) => {
    const error = await hubErrorOf(runTocService(store.db, service, { [field]: '1000000000' }));
    expect(error).toMatchObject({ kind: 'invalid_data', fieldPath: field });
    expect(error.message).toContain(`${field}: Too big: expected number to be <=3660`);
  });

  it('refuses an asOf no plan is made on', async () => {
    const error = await hubErrorOf(runTocService(store.db, 'supplier-performance', { asOf: '0001-01-01' }));
    expect(error).toMatchObject({ kind: 'invalid_data', fieldPath: 'asOf' });
  });
});
