import { isBlank, toHalfWidth } from './text.ts';

/**
 * GTIN-8, -12 (UPC-A), -13 (EAN) and -14 as the 14-digit form with its GS1 mod-10 check digit
 * verified, so a UPC and the EAN that embeds it compare equal. Null when invalid.
 */
export function normalizeGtin(raw: string | null | undefined): string | null {
  if (isBlank(raw)) return null;
  const digits = toHalfWidth(raw).replace(/[\s-]/g, '');
  if (!/^(\d{8}|\d{12}|\d{13}|\d{14})$/.test(digits)) return null;
  const padded = digits.padStart(14, '0');
  let sum = 0;
  for (let index = 0; index < 13; index += 1) sum += Number(padded[index]) * (index % 2 === 0 ? 3 : 1);
  return (10 - (sum % 10)) % 10 === Number(padded[13]) ? padded : null;
}
