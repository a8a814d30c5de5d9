import { isBlank, toHalfWidth } from './text.ts';

/** VAT number formats after the country prefix (VIES rules); EL is Greece's prefix. */
const FORMATS: Readonly<Record<string, RegExp>> = {
  AT: /^U\d{8}$/,
  BE: /^[01]\d{9}$/,
  BG: /^\d{9,10}$/,
  CY: /^\d{8}[A-Z]$/,
  CZ: /^\d{8,10}$/,
  DE: /^\d{9}$/,
  DK: /^\d{8}$/,
  EE: /^\d{9}$/,
  EL: /^\d{9}$/,
  ES: /^[A-Z0-9]\d{7}[A-Z0-9]$/,
  FI: /^\d{8}$/,
  FR: /^[A-HJ-NP-Z0-9]{2}\d{9}$/,
  HR: /^\d{11}$/,
  HU: /^\d{8}$/,
  IE: /^(\d{7}[A-W][A-I]?|\d[A-Z+*]\d{5}[A-W])$/,
  IT: /^\d{11}$/,
  LT: /^(\d{9}|\d{12})$/,
  LU: /^\d{8}$/,
  LV: /^\d{11}$/,
  MT: /^\d{8}$/,
  NL: /^\d{9}B\d{2}$/,
  PL: /^\d{10}$/,
  PT: /^\d{9}$/,
  RO: /^\d{2,10}$/,
  SE: /^\d{10}01$/,
  SI: /^\d{8}$/,
  SK: /^\d{10}$/,
  XI: /^(\d{9}|\d{12}|GD\d{3}|HA\d{3})$/,
};

function digits(text: string): number[] {
  return [...text].map(Number);
}

/** Check digits where the member state publishes them and a wrong one is a typo worth rejecting. */
const CHECKSUMS: Readonly<Record<string, (body: string) => boolean>> = {
  BE: (body) => 97 - (Number(body.slice(0, 8)) % 97) === Number(body.slice(8)),
  // ISO 7064 MOD 11,10.
  DE: (body) => {
    let product = 10;
    for (const digit of digits(body.slice(0, 8))) {
      const sum = (digit + product) % 10 || 10;
      product = (2 * sum) % 11;
    }
    return (11 - product) % 10 === Number(body[8]);
  },
  FR: (body) =>
    !/^\d{2}/.test(body) || Number(body.slice(0, 2)) === (12 + 3 * (Number(body.slice(2)) % 97)) % 97,
  // Luhn over the 11 digits.
  IT: (body) => {
    const sum = digits(body).reduce((total, digit, index) => {
      const doubled = index % 2 === 1 ? digit * 2 : digit;
      return total + (doubled > 9 ? doubled - 9 : doubled);
    }, 0);
    return sum % 10 === 0;
  },
};

export type EuVatCheck =
  | { valid: true; vat: string; country: string }
  | { valid: false; vat: string; reason: 'country' | 'format' | 'checksum' };

/**
 * Validates an EU VAT number: prefix (GR accepted for EL), the member state's format and, for
 * BE, DE, FR and IT, the check digits. `country` supplies the prefix when the number lacks one.
 */
export function checkEuVat(raw: string, country?: string): EuVatCheck {
  let vat = toHalfWidth(raw)
    .replace(/[\s.\-/]/g, '')
    .toUpperCase();
  if (!/^[A-Z]{2}/.test(vat) && country) vat = `${country.toUpperCase()}${vat}`;
  vat = vat.replace(/^GR/, 'EL');
  const prefix = vat.slice(0, 2);
  const format = FORMATS[prefix];
  if (!format) return { valid: false, vat, reason: 'country' };
  const body = vat.slice(2);
  if (!format.test(body)) return { valid: false, vat, reason: 'format' };
  if (CHECKSUMS[prefix] && !CHECKSUMS[prefix](body)) return { valid: false, vat, reason: 'checksum' };
  return { valid: true, vat, country: prefix === 'EL' ? 'GR' : prefix };
}

export function normalizeEuVat(raw: string | null | undefined, country?: string): string | null {
  if (isBlank(raw)) return null;
  const check = checkEuVat(raw, country);
  return check.valid ? check.vat : null;
}
