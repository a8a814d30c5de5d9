import * as OpenCC from 'opencc-js/t2cn';

const toSimplifiedChinese = OpenCC.Converter({ from: 't', to: 'cn' });

/** Full-width ASCII (Ｕ+FF01..FF5E) and the ideographic space become their half-width forms. */
export function toHalfWidth(text: string): string {
  return text.replace(/[\uFF01-\uFF5E\u3000]/g, (ch) =>
    ch === '\u3000' ? ' ' : String.fromCharCode(ch.charCodeAt(0) - 0xfee0),
  );
}

export function toSimplified(text: string): string {
  return HAN.test(text) ? toSimplifiedChinese(text) : text;
}

const HAN = /\p{Script=Han}/u;

export function hasHan(text: string): boolean {
  return HAN.test(text);
}

/** Strips accents so "Müller" and "Muller" compare equal; Han characters are left untouched. */
export function stripAccents(text: string): string {
  return text.normalize('NFKD').replace(/\p{M}/gu, '');
}

export function collapseSpaces(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/**
 * The common first step of every text normalizer: half-width, simplified Chinese, lower case,
 * no accents, punctuation (ASCII and CJK) turned into spaces, single spaces.
 */
export function foldText(text: string): string {
  // Plain ASCII needs neither width, script nor accent folding: the common case, kept fast.
  const folded = /^[\x20-\x7e]*$/.test(text)
    ? text.toLowerCase()
    : stripAccents(toSimplified(toHalfWidth(text)).normalize('NFKC')).toLowerCase();
  return collapseSpaces(folded.replace(/[^\p{L}\p{N}\s]/gu, ' '));
}

/** Empty, whitespace-only and null-like values all mean "no value". */
export function isBlank(value: string | null | undefined): value is null | undefined | '' {
  return value === null || value === undefined || value.trim() === '';
}
