import { isBlank, toHalfWidth } from './text.ts';

/** Characters of a unified social credit code (GB 32100-2015): digits and letters without I, O, S, V, Z. */
const ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
/** Weight of position i is 3^i mod 31. */
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

export type UsccCheck =
  | { valid: true; code: string }
  | { valid: false; code: string; reason: 'length' | 'character' | 'checksum' };

/** Computes the 18th character of a unified social credit code from its first 17. */
export function computeUsccCheckCharacter(first17: string): string {
  let sum = 0;
  for (let index = 0; index < 17; index += 1) sum += ALPHABET.indexOf(first17[index]) * WEIGHTS[index];
  return ALPHABET[(31 - (sum % 31)) % 31];
}

/**
 * Validates China's 18-character unified social credit code (统一社会信用代码): half-width,
 * upper case, spaces and dashes removed, only the 31 allowed characters, and the GB 32100-2015
 * check character.
 */
export function checkUscc(raw: string): UsccCheck {
  const code = toHalfWidth(raw).replace(/[\s-]/g, '').toUpperCase();
  if (code.length !== 18) return { valid: false, code, reason: 'length' };
  if ([...code].some((ch) => !ALPHABET.includes(ch))) return { valid: false, code, reason: 'character' };
  if (computeUsccCheckCharacter(code) !== code[17]) return { valid: false, code, reason: 'checksum' };
  return { valid: true, code };
}

/** The canonical code, or null when the text is not a valid unified social credit code. */
export function normalizeUscc(raw: string | null | undefined): string | null {
  if (isBlank(raw)) return null;
  const check = checkUscc(raw);
  return check.valid ? check.code : null;
}
