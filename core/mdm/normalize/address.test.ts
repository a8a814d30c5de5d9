import { describe, expect, it } from 'vitest';
import { latinizeStreet, normalizeAddress, toCountryCode } from './address.ts';

describe('toCountryCode', () => {
  it('resolves codes, English names and Chinese names to ISO alpha-2', () => {
    expect(toCountryCode('DEU')).toBe('DE');
    expect(toCountryCode('Federal Republic of Germany')).toBe('DE');
    expect(toCountryCode('德国')).toBe('DE');
    expect(toCountryCode("People's Republic of China")).toBe('CN');
    expect(toCountryCode('中華人民共和國')).toBe('CN');
    expect(toCountryCode('Ｕ．Ｓ．Ａ．')).toBe('US');
  });

  it('returns null for unknown or blank countries', () => {
    expect(toCountryCode('Atlantis')).toBeNull();
    expect(toCountryCode(' ')).toBeNull();
  });
});

describe('normalizeAddress', () => {
  it('abbreviates street words one way so variants compare equal', () => {
    const a = normalizeAddress({
      line1: '12 Pinkerton Circuit',
      line2: 'Suite 5',
      city: 'Richlands',
      country: 'Australia',
    });
    const b = normalizeAddress({
      line1: '12 pinkerton cct.',
      line2: 'ste 5',
      city: 'RICHLANDS',
      country: 'AU',
    });
    expect(a).toEqual(b);
    expect(a).toMatchObject({ street: '12 pinkerton cct ste 5', country: 'AU' });
  });

  it('folds Chinese addresses: full-width digits, traditional characters, 市 and 省 suffixes', () => {
    expect(
      normalizeAddress({
        line1: '江東區中山東路１２３ 號',
        city: '寧波市',
        region: '浙江省',
        postcode: '３１５０００',
        country: '中国',
      }),
    ).toEqual({
      street: '江东区中山东路123号',
      city: '宁波',
      region: '浙江',
      postcode: '315000',
      country: 'CN',
    });
  });

  it('upper-cases postcodes without spaces', () => {
    expect(normalizeAddress({ postcode: 'sw1a 1aa', country: 'UK' })).toMatchObject({
      postcode: 'SW1A1AA',
      country: 'GB',
    });
  });
});

describe('latinizeStreet', () => {
  it('gives a Chinese street line and its English spelling the same words', () => {
    expect(latinizeStreet('中山路123号')).toBe('zhongshan rd 123');
    expect(latinizeStreet('123 Zhongshan Road')).toBe('123 zhongshan rd');
    expect(latinizeStreet('人民大道８８號')).toBe('renmin ave 88');
  });
});
