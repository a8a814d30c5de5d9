import { describe, expect, it } from 'vitest';
import { foldText, toHalfWidth, toSimplified } from './text.ts';

describe('text folding', () => {
  it('turns full-width digits, letters and spaces into half-width', () => {
    expect(toHalfWidth('ＡＢＣ　１２３')).toBe('ABC 123');
  });

  it('converts traditional Chinese to simplified', () => {
    expect(toSimplified('寧波恆達汽車')).toBe('宁波恒达汽车');
  });

  it('folds case, accents and CJK punctuation', () => {
    expect(foldText('  Müller，ＧＭＢＨ（北京）  ')).toBe('muller gmbh 北京');
  });
});
