import { describe, expect, it } from 'vitest';
import { listXrefs, mergeGolden, unmergeGolden } from './merge.ts';
import type { SourceRecord, SurvivorshipInput } from './schema.ts';
import { computeGolden } from './survive.ts';

const rules: SurvivorshipInput = {
  fields: {
    taxId: { strategy: 'sourcePriority', systems: ['erp'] },
    phone: { strategy: 'sourcePriority', systems: ['crm'] },
  },
};

function source(
  system: string,
  externalId: string,
  updatedAt: string,
  values: Record<string, unknown>,
): SourceRecord {
  return { system, connection: `${system}-1`, externalId, updatedAt, values };
}

const erpA = source('erp', 'E1', '2024-01-01T00:00:00Z', {
  name: 'Hengda Auto Parts',
  taxId: '91350100M000100Y43',
  phone: '0574-1',
});
const crmA = source('crm', 'C1', '2024-02-01T00:00:00Z', { name: 'Ningbo Hengda', phone: '+86 574 2' });
const crmB = source('crm', 'C7', '2024-03-01T00:00:00Z', {
  name: '宁波恒达',
  phone: '+86 574 3',
  owner: 'wang',
});
const shopB = source('shop', 'S3', '2023-12-01T00:00:00Z', { name: 'Hengda', taxId: '91110000600037341L' });

describe('merge and unmerge', () => {
  const a = computeGolden('gA', [erpA, crmA], rules);
  const b = computeGolden('gB', [crmB, shopB], rules);

  it('merges source sets, recomputes values and lineage, and redirects the absorbed id', () => {
    const { golden, redirect } = mergeGolden(a, b, rules, '2024-04-01T00:00:00Z');
    expect(redirect).toEqual({ from: 'gB', to: 'gA' });
    expect(golden.sources).toHaveLength(4);
    expect(golden.values).toMatchObject({
      name: '宁波恒达',
      taxId: '91350100M000100Y43',
      phone: '+86 574 3',
      owner: 'wang',
    });
    expect(golden.lineage.taxId.externalId).toBe('E1');
    expect(golden.lineage.phone.externalId).toBe('C7');
    expect(listXrefs(golden).every((xref) => xref.goldenId === 'gA')).toBe(true);
  });

  it('merge then unmerge restores both records: values, lineage, sources, xrefs and ids', () => {
    const merged = mergeGolden(a, b, rules, '2024-04-01T00:00:00Z').golden;
    const outcome = unmergeGolden(merged, [crmB, shopB], rules, '2024-04-02T00:00:00Z', 'unused');
    expect(outcome.clearedRedirect).toBe('gB');
    for (const [after, before] of [
      [outcome.remaining, a],
      [outcome.restored, b],
    ] as const) {
      expect(after.id).toBe(before.id);
      expect(after.values).toEqual(before.values);
      expect(after.lineage).toEqual(before.lineage);
      expect(after.sources).toEqual(before.sources);
      expect(listXrefs(after)).toEqual(listXrefs(before));
    }
    expect(outcome.remaining.history.map((entry) => entry.action)).toEqual(['merge', 'unmerge']);
  });

  it('unmerges a merge made before later merges, and gives a new id to an arbitrary split', () => {
    const c = computeGolden(
      'gC',
      [source('crm', 'C9', '2024-05-01T00:00:00Z', { name: 'Hengda Ningbo' })],
      rules,
    );
    const ab = mergeGolden(a, b, rules, '2024-04-01T00:00:00Z').golden;
    const abc = mergeGolden(ab, c, rules, '2024-05-02T00:00:00Z').golden;
    const undoB = unmergeGolden(abc, [crmB, shopB], rules, '2024-06-01T00:00:00Z', 'unused');
    expect(undoB.restored.values).toEqual(b.values);
    expect(undoB.remaining.sources.map((s) => s.externalId).sort()).toEqual(['C1', 'C9', 'E1']);
    const split = unmergeGolden(abc, [crmA], rules, '2024-06-01T00:00:00Z', 'gNew');
    expect(split.restored.id).toBe('gNew');
    expect(split.clearedRedirect).toBeUndefined();
    expect(split.remaining.lineage.phone.externalId).toBe('C7');
    expect(split.remaining.lineage.name.externalId).toBe('C9');
    expect(split.restored.values).toEqual(crmA.values);
  });

  it('refuses unknown sources, emptying a record and merging into itself', () => {
    expect(() => unmergeGolden(a, [crmB], rules, '2024-04-02T00:00:00Z', 'x')).toThrow(/does not hold/);
    expect(() => unmergeGolden(a, [erpA, crmA], rules, '2024-04-02T00:00:00Z', 'x')).toThrow(/empty/);
    expect(() => mergeGolden(a, a, rules, '2024-04-02T00:00:00Z')).toThrow(/itself/);
  });
});
