import { describe, expect, it } from 'vitest';
import { normalizePhone } from './phone.ts';

describe('normalizePhone', () => {
  it('reads national numbers in the default region', () => {
    expect(normalizePhone('0574-8765 4321', 'CN')).toBe('+8657487654321');
    expect(normalizePhone('138 0013 8000', 'cn')).toBe('+8613800138000');
    expect(normalizePhone('030 901820', 'DE')).toBe('+4930901820');
  });

  it('keeps explicit country codes whatever the default region', () => {
    expect(normalizePhone('+49 30 901820', 'CN')).toBe('+4930901820');
    expect(normalizePhone('0086 574 8765 4321', 'US')).toBe('+8657487654321');
  });

  it('handles full-width digits and extensions', () => {
    expect(normalizePhone('０５７４－８７６５４３２１ 转 808', 'CN')).toBe('+8657487654321');
    expect(normalizePhone('(212) 555-0199 ext. 12', 'US')).toBe('+12125550199');
  });

  it('rejects invalid numbers and unknown regions', () => {
    expect(normalizePhone('12345', 'CN')).toBeNull();
    expect(normalizePhone('call me', 'CN')).toBeNull();
    expect(normalizePhone('0574 8765 4321')).toBeNull();
    expect(() => normalizePhone('0574 8765 4321', 'ZZ')).toThrow(/unknown default phone region/i);
  });
});
