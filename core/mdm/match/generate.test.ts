import { describe, expect, it } from 'vitest';
import { normalizeCompanyName } from '../normalize/company-name.ts';
import { normalizeTaxId } from '../normalize/tax-id.ts';
import { generateCompanies } from './generate-companies.ts';
import { generateItems } from './generate-items.ts';

describe('generated evaluation data', () => {
  it('is reproducible from the seed', () => {
    expect(generateCompanies(50, 3)).toEqual(generateCompanies(50, 3));
    expect(generateCompanies(50, 3)).not.toEqual(generateCompanies(50, 4));
    expect(generateItems(50, 3)).toEqual(generateItems(50, 3));
  });

  it('labels companies that appear in Chinese and English with valid or corrupted tax ids', () => {
    const rows = generateCompanies(400, 5);
    expect(rows).toHaveLength(400);
    const labels = new Set(rows.map((row) => row.truth));
    expect(labels.size).toBeLessThan(rows.length);
    expect(rows.some((row) => /\p{Script=Han}/u.test(row.name))).toBe(true);
    expect(rows.some((row) => /^[\x20-\x7e]+$/.test(row.name))).toBe(true);
    const taxIds = rows.filter((row) => row.taxId);
    expect(taxIds.some((row) => normalizeTaxId(row.taxId) !== null)).toBe(true);
    expect(rows.every((row) => normalizeCompanyName(row.name) !== null)).toBe(true);
  });

  it('refuses more items than distinct items exist', () => {
    expect(() => generateItems(1_000_000, 1)).toThrow(/At most \d+ item records/);
  });
});
