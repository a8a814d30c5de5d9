import { describe, expect, it } from 'vitest';
import { coreCompanyName, normalizeCompanyName, placesInName } from './company-name.ts';

describe('normalizeCompanyName', () => {
  it('removes Chinese legal forms, longest first', () => {
    expect(normalizeCompanyName('宁波恒达汽车零部件股份有限公司')).toMatchObject({
      name: '宁波恒达汽车零部件',
      legalForms: ['plc'],
    });
    expect(normalizeCompanyName('恒达(集团)有限公司')).toMatchObject({
      name: '恒达',
      legalForms: ['group ltd'],
    });
    expect(normalizeCompanyName('恒达有限责任公司')?.name).toBe('恒达');
  });

  it('removes English and European legal forms in any spelling', () => {
    for (const raw of [
      'Hengda Auto Parts Co., Ltd.',
      'HENGDA AUTO PARTS LIMITED',
      'Hengda Auto Parts Inc',
      'hengda auto parts company limited',
    ]) {
      expect(normalizeCompanyName(raw)?.name).toBe('hengda auto parts');
    }
    expect(normalizeCompanyName('Müller Maschinenbau GmbH & Co. KG')).toMatchObject({
      name: 'muller maschinenbau',
      legalForms: ['gmbh'],
    });
  });

  it('strips legal forms with typing errors', () => {
    expect(normalizeCompanyName('Zhuoxing Industrial Co. Ldt')?.name).toBe('zhuoxing industrial');
    expect(normalizeCompanyName('Yikai Technology Company Limmited')?.name).toBe('yikai technology');
    expect(normalizeCompanyName('Anjia Trading Co Lttd')?.name).toBe('anjia trading');
    expect(normalizeCompanyName('Tianjia Trading Inr')?.name).toBe('tianjia trading');
  });

  it('does not strip a legal word that is the whole name', () => {
    expect(normalizeCompanyName('Company')?.name).toBe('company');
    expect(normalizeCompanyName('公司')?.name).toBe('公司');
  });

  it('converts traditional characters and full-width text', () => {
    expect(normalizeCompanyName('寧波恆達汽車零部件有限公司')?.name).toBe('宁波恒达汽车零部件');
    expect(normalizeCompanyName('ＡＢＣ　Ｔｒａｄｉｎｇ　Ｌｔｄ．')?.name).toBe('abc trading');
  });

  it('gives a Chinese name and its English trade name the same Latin words', () => {
    const zh = normalizeCompanyName('宁波恒达汽车零部件有限公司');
    const en = normalizeCompanyName('Ningbo Hengda Automotive Components Co., Ltd.');
    expect(zh?.latin).toBe('ningbo hengda auto parts');
    expect(en?.latin).toBe('ningbo hengda auto parts');
  });

  it('reduces a name to its distinctive words by removing places', () => {
    expect(coreCompanyName('changsha kanghai electric')).toBe('kanghai electric');
    expect(coreCompanyName(normalizeCompanyName('Kanghai Electric (Changsha) Co Ltd')?.latin ?? '')).toBe(
      'kanghai electric',
    );
    expect(coreCompanyName('ningbo')).toBe('ningbo');
    expect(coreCompanyName('channgchun shunguang fastener')).toBe('shunguang fastener');
    expect(coreCompanyName('huzhou kaiyuan precision')).toBe('kaiyuan precision');
    expect(placesInName('shunguang fastener changchun shanghai')).toBe('changchun shanghai');
  });

  it('keeps Latin words inside mixed-script names', () => {
    expect(normalizeCompanyName('宁波ABC电子有限公司')).toMatchObject({
      name: '宁波 abc 电子',
      latin: 'ningbo abc electronic',
    });
  });

  it('returns null for blank input', () => {
    expect(normalizeCompanyName('  ')).toBeNull();
    expect(normalizeCompanyName(undefined)).toBeNull();
  });
});
