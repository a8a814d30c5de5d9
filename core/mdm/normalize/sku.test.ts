import { describe, expect, it } from 'vitest';
import { normalizeGtin } from './gtin.ts';
import { itemSpecKey, normalizeSku, parseItemGrade, parseItemSpec } from './sku.ts';

describe('normalizeSku', () => {
  it('removes separators and writes the dimension sign one way', () => {
    expect(normalizeSku('blt-m8x30')).toBe('BLTM8X30');
    expect(normalizeSku('BLT M8*30')).toBe('BLTM8X30');
    expect(normalizeSku('ＢＬＴ＿Ｍ８×３０')).toBe('BLTM8X30');
    expect(normalizeSku(' - ')).toBeNull();
  });
});

describe('parseItemSpec', () => {
  it('meets a coded SKU and a Chinese description of the same bolt', () => {
    expect(parseItemSpec('BLT-M8x30')).toEqual({ kind: 'bolt', size: 'M8X30' });
    expect(parseItemSpec('M8*30 螺栓')).toEqual({ kind: 'bolt', size: 'M8X30' });
    expect(parseItemSpec('Hex bolt M8 x 30 mm DIN 933')).toEqual({ kind: 'bolt', size: 'M8X30' });
    expect(parseItemSpec('六角螺栓 Ｍ８×３０')).toEqual({ kind: 'bolt', size: 'M8X30' });
  });

  it('keeps different parts apart', () => {
    expect(itemSpecKey('M8 螺母')).toBe('nut:M8');
    expect(itemSpecKey('螺栓')).toBeNull();
    expect(parseItemSpec('NUT-M8')).toEqual({ kind: 'nut', size: 'M8' });
    expect(itemSpecKey('BLT-M8x30')).not.toBe(itemSpecKey('BLT-M8x35'));
    expect(itemSpecKey('SCR-M8x30')).toBe('screw:M8X30');
  });
});

describe('parseItemGrade', () => {
  it('reads property classes and stainless grades without confusing sizes', () => {
    expect(parseItemGrade('Hex bolt M8x30 8.8 zinc')).toBe('8.8');
    expect(parseItemGrade('M10*40 螺栓 10.9级')).toBe('10.9');
    expect(parseItemGrade('BLT-M8X30-A2-70')).toBe('A2');
    expect(parseItemGrade('SCR-M10X70-88')).toBe('8.8');
    expect(parseItemGrade('BLT M8*30/109')).toBe('10.9');
    expect(parseItemGrade('M8x30')).toBeNull();
    expect(parseItemGrade('BLT-M8X88')).toBeNull();
    expect(parseItemGrade('M18.8x30')).toBeNull();
  });
});

describe('normalizeGtin', () => {
  it('pads valid GTINs to 14 digits so UPC and EAN compare equal', () => {
    expect(normalizeGtin('4006381333931')).toBe('04006381333931');
    expect(normalizeGtin('036000291452')).toBe(normalizeGtin('0036000291452'));
    expect(normalizeGtin('９６３８５０７４')).toBe('00000096385074');
  });

  it('rejects wrong check digits and lengths', () => {
    expect(normalizeGtin('4006381333932')).toBeNull();
    expect(normalizeGtin('12345')).toBeNull();
  });
});
