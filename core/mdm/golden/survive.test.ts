import { describe, expect, it } from 'vitest';
import type { SourceRecord, SurvivorshipInput } from './schema.ts';
import { computeGolden } from './survive.ts';

const rules: SurvivorshipInput = {
  default: { strategy: 'mostRecent' },
  fields: {
    taxId: { strategy: 'sourcePriority', systems: ['erp', 'crm'] },
    paymentTerms: { strategy: 'sourcePriority', systems: ['erp'] },
    phone: { strategy: 'sourcePriority', systems: ['crm', 'erp'] },
    city: { strategy: 'mostFrequent' },
  },
};

const erp: SourceRecord = {
  system: 'erp',
  connection: 'odoo-main',
  externalId: 'res.partner/42',
  updatedAt: '2024-01-10T08:00:00Z',
  values: {
    name: '宁波恒达汽车零部件有限公司',
    taxId: '91350100M000100Y43',
    paymentTerms: 'NET30',
    phone: '0574-1',
    city: '宁波',
  },
};
const crm: SourceRecord = {
  system: 'crm',
  connection: 'sf-prod',
  externalId: '001A',
  updatedAt: '2024-03-01T08:00:00Z',
  values: { name: 'Ningbo Hengda Auto Parts', taxId: '', phone: '+86 574 2', city: 'Ningbo', owner: 'li.na' },
};
const shop: SourceRecord = {
  system: 'shop',
  connection: 'web',
  externalId: 'c-9',
  updatedAt: '2024-02-01T08:00:00Z',
  values: { name: 'Hengda', city: 'Ningbo', paymentTerms: 'PREPAID', taxId: null },
};

describe('computeGolden', () => {
  it('applies each field rule and records where every value came from', () => {
    const golden = computeGolden('g1', [erp, crm, shop], rules);
    expect(golden.values).toEqual({
      name: 'Ningbo Hengda Auto Parts',
      taxId: '91350100M000100Y43',
      paymentTerms: 'NET30',
      phone: '+86 574 2',
      city: 'Ningbo',
      owner: 'li.na',
    });
    expect(golden.lineage.taxId).toEqual({
      system: 'erp',
      connection: 'odoo-main',
      externalId: 'res.partner/42',
      updatedAt: '2024-01-10T08:00:00Z',
    });
    expect(golden.lineage.phone.system).toBe('crm');
    // Ningbo appears twice: the newest holder (crm) is its lineage.
    expect(golden.lineage.city.externalId).toBe('001A');
    expect(golden.lineage.name.system).toBe('crm');
  });

  it('skips empty values and falls back to unlisted systems when no listed one has a value', () => {
    const golden = computeGolden('g1', [crm, shop], rules);
    expect(golden.values.taxId).toBeUndefined();
    expect(golden.values.paymentTerms).toBe('PREPAID');
    expect(golden.lineage.paymentTerms.system).toBe('shop');
  });

  it('does not depend on the order of the sources', () => {
    expect(computeGolden('g1', [shop, crm, erp], rules)).toEqual(
      computeGolden('g1', [erp, shop, crm], rules),
    );
  });

  it('rejects bad input naming the record and field', () => {
    const broken = { ...crm, updatedAt: 'yesterday' };
    expect(() => computeGolden('g1', [broken], rules)).toThrow(/source record 0 001A: updatedAt/);
    expect(() => computeGolden('g1', [crm, crm], rules)).toThrow(/appears twice/);
    expect(() => computeGolden('g1', [crm], { fields: { x: { strategy: 'loudest' } } } as never)).toThrow(
      /fields\.x/,
    );
  });
});
