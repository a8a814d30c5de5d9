import { describe, expect, it } from 'vitest';
import { customerMatcher } from './entities.ts';
import { blockingKeysFor, matchCandidates } from './incremental.ts';

const erp = {
  id: 'erp-1',
  values: { name: '宁波恒达汽车零部件有限公司', city: '宁波市', phone: '0574-87654321' },
};
const crm = {
  id: 'crm-7',
  values: { name: 'Ningbo Hengda Auto Parts Co., Ltd.', city: 'Ningbo', phone: '+86 574 8765 4321' },
};
const other = { id: 'crm-9', values: { name: 'Shanghai Yongli Electronic Technology', city: 'Shanghai' } };

describe('incremental matching', () => {
  it('gives records of one company in two scripts a shared blocking key', () => {
    const shared = blockingKeysFor(erp, customerMatcher).filter((key) =>
      blockingKeysFor(crm, customerMatcher).includes(key),
    );
    expect(shared.length).toBeGreaterThan(0);
  });

  it('ranks candidates and decides per candidate', () => {
    const ranked = matchCandidates(crm, [other, erp, crm], customerMatcher);
    expect(ranked.map((match) => match.id)).toEqual(['erp-1', 'crm-9']);
    expect(ranked[0]).toMatchObject({ decision: 'merge' });
    expect(ranked[1].decision).toBe('new');
  });
});
