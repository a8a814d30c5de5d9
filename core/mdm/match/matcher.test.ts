import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { MatchInputRecord } from './config.ts';
import { customerMatcher, itemMatcher } from './entities.ts';
import { parseLabelledCsv } from './eval-datasets.ts';
import { evaluatePairs } from './evaluate.ts';
import { generateCompanies } from './generate-companies.ts';
import { matchRecords, parseMatcherConfig } from './matcher.ts';

const fixture = new URL('../../../tests/support/fixtures/mdm/companies.csv', import.meta.url);
const companies = parseLabelledCsv(readFileSync(fixture, 'utf8'), 'companies.csv', {
  truthColumn: 'truth',
  idColumn: 'id',
});

function pairOf(result: ReturnType<typeof matchRecords>, a: string, b: string) {
  return result.pairs.find((pair) => (pair.a === a && pair.b === b) || (pair.a === b && pair.b === a));
}

describe('matchRecords on companies', () => {
  const result = matchRecords(companies, customerMatcher);

  it('lets the English CRM name and the Chinese ERP name meet', () => {
    expect(pairOf(result, 'c1', 'c2')).toMatchObject({ decision: 'merge' });
    expect(pairOf(result, 'c6', 'c7')).toMatchObject({ decision: 'merge' });
  });

  it('merges on the same tax id through the rule, traditional characters and all', () => {
    expect(pairOf(result, 'c1', 'c3')).toMatchObject({ decision: 'merge', rule: 'same_tax_id', score: 1 });
  });

  it('keeps one brand in two cities apart', () => {
    expect(pairOf(result, 'c4', 'c5')?.decision ?? 'new').not.toBe('merge');
    expect(
      evaluatePairs(
        result.pairs.filter((pair) => pair.decision === 'merge'),
        companies,
      ).f1,
    ).toBe(1);
  });
});

describe('rules, vetoes and groups', () => {
  const base = { name: 'Ningbo Hengda Auto Parts', city: 'Ningbo', country: 'CN' };
  const record = (id: string, values: Record<string, string>, group?: string): MatchInputRecord => ({
    id,
    group,
    values,
  });

  it('caps a pair with two different valid tax ids at review', () => {
    const result = matchRecords(
      [
        record('a', { ...base, taxId: '91350100M000100Y43' }),
        record('b', { ...base, taxId: '91110000600037341L' }),
      ],
      customerMatcher,
    );
    expect(result.pairs[0]).toMatchObject({ decision: 'review', vetoed: true });
  });

  it('ignores a rule key shared by more records than the rule allows', () => {
    const shared = Array.from({ length: 25 }, (_, index) =>
      record(`r${index}`, {
        name: `Company ${index} ${'xyzw'.repeat(index % 3)}`,
        taxId: '91350100M000100Y43',
      }),
    );
    const result = matchRecords(shared, customerMatcher);
    expect(result.pairs.some((pair) => pair.rule === 'same_tax_id')).toBe(false);
  });

  it('compares only across groups in linkage and keeps one match per record with oneToOne', () => {
    const records = [record('l1', base, 'left'), record('l2', base, 'left'), record('r1', base, 'right')];
    const linked = matchRecords(records, customerMatcher);
    expect(linked.pairs.every((pair) => pair.a[0] !== pair.b[0])).toBe(true);
    expect(linked.pairs).toHaveLength(2);
    expect(matchRecords(records, customerMatcher, { oneToOne: true }).pairs).toHaveLength(1);
  });
});

describe('items', () => {
  it('matches a coded SKU with a Chinese description of the same bolt, not another grade', () => {
    const result = matchRecords(
      [
        { id: 'erp', values: { sku: 'BLT-M8x30-88', name: 'Hex bolt M8x30 8.8', unit: 'pcs' } },
        { id: 'cn', values: { name: 'M8*30 螺栓 8.8级', unit: '个' } },
        { id: 'other', values: { sku: 'BLT-M8x30-109', name: 'Hex bolt M8x30 10.9', unit: 'EA' } },
      ],
      itemMatcher,
    );
    expect(pairOf(result, 'erp', 'cn')).toMatchObject({ decision: 'merge' });
    expect(pairOf(result, 'cn', 'other')).toBeUndefined();
    expect(pairOf(result, 'erp', 'other')).toBeUndefined();
  });
});

describe('blocking at scale', () => {
  it('keeps candidate pairs near-linear and finds most duplicates', () => {
    const rows = generateCompanies(3000, 11);
    const records = rows.map(({ id, truth, ...values }) => ({ id, label: truth, values }));
    const result = matchRecords(records, customerMatcher);
    expect(result.candidatePairs).toBeLessThan(records.length * 10);
    const merged = result.pairs.filter((pair) => pair.decision === 'merge');
    expect(evaluatePairs(merged, records).f1).toBeGreaterThan(0.95);
  });
});

describe('parseMatcherConfig', () => {
  it('names the offending path when a field refers to an unknown feature', () => {
    const broken = { ...customerMatcher, fields: [{ feature: 'nmae', compare: 'tokens', weight: 1 }] };
    expect(() => parseMatcherConfig(broken)).toThrow(/fields\.0\.feature: unknown feature "nmae"/);
  });

  it('rejects a review threshold above the merge threshold', () => {
    expect(() => parseMatcherConfig({ ...customerMatcher, thresholds: { merge: 0.5, review: 0.7 } })).toThrow(
      /review threshold/,
    );
  });
});
