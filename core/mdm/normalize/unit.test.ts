import { describe, expect, it } from 'vitest';
import { convertQuantity, normalizeUnit } from './unit.ts';

describe('normalizeUnit', () => {
  it('maps English, German, UN/ECE and Chinese spellings to one code', () => {
    for (const raw of ['PCS', 'ea', 'Each', '个', '件', 'Stk.', 'C62'])
      expect(normalizeUnit(raw)).toBe('pcs');
    expect(normalizeUnit('ＫＧＳ')).toBe('kg');
    expect(normalizeUnit('公斤')).toBe('kg');
    expect(normalizeUnit('箱')).toBe('box');
    expect(normalizeUnit('米')).toBe('m');
    expect(normalizeUnit('furlong')).toBeNull();
  });
});

describe('convertQuantity', () => {
  it('converts within a dimension', () => {
    expect(convertQuantity(2, 'kg', 'g')).toBe(2000);
    expect(convertQuantity(0.1, '公斤', '克')).toBe(100);
    expect(convertQuantity(1500, 'mm', 'm')).toBe(1.5);
    expect(convertQuantity(3, 'dozen', 'ea')).toBe(36);
  });

  it('uses the per-item box factor both ways', () => {
    expect(convertQuantity(3, '箱', 'pcs', { boxFactor: 100 })).toBe(300);
    expect(convertQuantity(250, '个', 'box', { boxFactor: 50 })).toBe(5);
  });

  it('refuses conversions that need data it does not have', () => {
    expect(() => convertQuantity(1, 'box', 'pcs', { itemId: 'BLT-M8x30' })).toThrow(
      /box factor for item BLT-M8x30/,
    );
    expect(() => convertQuantity(1, 'kg', 'pcs')).toThrow(/Cannot convert kg \(mass\) to pcs \(count\)/);
    expect(() => convertQuantity(1, 'furlong', 'm')).toThrow(/Unknown unit of measure "furlong"/);
  });
});
