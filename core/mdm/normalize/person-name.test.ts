import { describe, expect, it } from 'vitest';
import { normalizePersonName } from './person-name.ts';

describe('normalizePersonName', () => {
  it('drops titles and suffixes and reorders "Family, Given"', () => {
    expect(normalizePersonName('Dr. José  MARTÍNEZ Jr.')).toMatchObject({
      given: 'jose',
      family: 'martinez',
    });
    expect(normalizePersonName('Müller, Hans-Peter')).toMatchObject({
      full: 'hans peter muller',
      family: 'muller',
    });
  });

  it('splits Chinese names family-first and romanizes them', () => {
    expect(normalizePersonName('张伟先生')).toEqual({
      full: '张伟',
      given: '伟',
      family: '张',
      latin: 'zhang wei',
    });
    expect(normalizePersonName('歐陽娜娜')).toMatchObject({
      family: '欧阳',
      given: '娜娜',
      latin: 'ouyang nana',
    });
  });

  it('lets "Zhang Wei" and "Wei Zhang" meet the Chinese spelling through the latin form', () => {
    expect(normalizePersonName('Zhang, Wei')?.latin).toBe('zhang wei');
    expect(normalizePersonName('Wei ZHANG')?.latin).toBe('zhang wei');
  });

  it('handles full-width letters and blank input', () => {
    expect(normalizePersonName('Ｊｏｈｎ　Ｓｍｉｔｈ')?.full).toBe('john smith');
    expect(normalizePersonName('Mr.')).toBeNull();
    expect(normalizePersonName('')).toBeNull();
  });
});
