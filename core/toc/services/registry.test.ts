import { describe, expect, it } from 'vitest';
import { hubErrorOf } from '../../../tests/support/hub-error-of.ts';
import { fakeGoldenDb } from './fake-golden-db.ts';
import { runTocService } from './registry.ts';

const db = fakeGoldenDb({});

describe('TOC service parameters beyond any real plan are a 400 naming the field, not a 500', () => {
  it.each([
    ['supplier-performance', 'windowDays'],
    ['buffers', 'aduWindowDays'],
    ['buffers', 'defaultDltDays'],
    ['time-buffers', 'bufferDays'],
    ['drum-schedule', 'shippingBufferDays'],
    ['quote', 'productionBufferDays'],
    ['throughput', 'horizonDays'],
  ])('%s ?%s=1000000000', async (service, field) => {
    const error = await hubErrorOf(runTocService(db, service, { [field]: '1000000000' }));
    expect(error).toMatchObject({ kind: 'invalid_data', fieldPath: field });
    expect(error.message).toContain(`${field}: Too big: expected number to be <=3660`);
  });

  it('refuses an asOf no plan is made on', async () => {
    const error = await hubErrorOf(runTocService(db, 'supplier-performance', { asOf: '0001-01-01' }));
    expect(error).toMatchObject({ kind: 'invalid_data', fieldPath: 'asOf' });
  });
});
