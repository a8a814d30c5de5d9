import { describe, expect, it } from 'vitest';
import { checkEuVat } from './eu-vat.ts';
import { normalizeTaxId } from './tax-id.ts';
import { checkUscc, computeUsccCheckCharacter } from './uscc.ts';

describe('unified social credit code', () => {
  it('accepts valid codes in any spacing or width', () => {
    expect(checkUscc('91350100M000100Y43')).toEqual({ valid: true, code: '91350100M000100Y43' });
    expect(checkUscc('９１１１ ００００ ６０００ ３７３４ １ｌ')).toEqual({
      valid: true,
      code: '91110000600037341L',
    });
  });

  it('rejects a code whose check character is wrong', () => {
    expect(checkUscc('91350100M000100Y44')).toMatchObject({ valid: false, reason: 'checksum' });
    // One transposed pair in the body: the weighted checksum catches it.
    expect(checkUscc('91351000M000100Y43')).toMatchObject({ valid: false, reason: 'checksum' });
  });

  it('rejects the letters GB 32100 leaves out and wrong lengths', () => {
    expect(checkUscc('91350100M000100O43')).toMatchObject({ valid: false, reason: 'character' });
    expect(checkUscc('91350100M000100Y4')).toMatchObject({ valid: false, reason: 'length' });
  });

  it('computes check characters that include letters', () => {
    expect(computeUsccCheckCharacter('91110000600037341')).toBe('L');
  });
});

describe('EU VAT numbers', () => {
  it('validates formats and check digits per member state', () => {
    expect(checkEuVat('DE 136 695 976')).toEqual({ valid: true, vat: 'DE136695976', country: 'DE' });
    expect(checkEuVat('DE136695977')).toMatchObject({ valid: false, reason: 'checksum' });
    expect(checkEuVat('IT00743110157')).toMatchObject({ valid: true });
    expect(checkEuVat('FR40303265045')).toMatchObject({ valid: true });
    expect(checkEuVat('BE0403.170.701')).toMatchObject({ valid: true, vat: 'BE0403170701' });
    expect(checkEuVat('NL 8207.70.384.B01')).toMatchObject({ valid: true, vat: 'NL820770384B01' });
    expect(checkEuVat('ATU1234567')).toMatchObject({ valid: false, reason: 'format' });
  });

  it('maps the Greek prefix and takes the country from a hint', () => {
    expect(checkEuVat('GR094014201')).toMatchObject({ valid: true, vat: 'EL094014201', country: 'GR' });
    expect(checkEuVat('136695976', 'de')).toMatchObject({ valid: true, vat: 'DE136695976' });
  });
});

describe('normalizeTaxId', () => {
  it('recognizes each kind', () => {
    expect(normalizeTaxId('91350100m000100y43')).toEqual({
      kind: 'cn_uscc',
      country: 'CN',
      value: '91350100M000100Y43',
    });
    expect(normalizeTaxId('DE136695976')).toEqual({ kind: 'eu_vat', country: 'DE', value: 'DE136695976' });
    expect(normalizeTaxId('12-3456789', 'US')).toEqual({
      kind: 'other',
      country: 'US',
      value: 'US:123456789',
    });
  });

  it('rejects checksum-invalid codes instead of passing them on', () => {
    expect(normalizeTaxId('91350100M000100Y44')).toBeNull();
    expect(normalizeTaxId('91350100M000100Y44', 'CN')).toBeNull();
    expect(normalizeTaxId('DE136695977')).toBeNull();
    expect(normalizeTaxId('')).toBeNull();
  });
});
