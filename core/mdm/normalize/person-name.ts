import { pinyin } from 'pinyin-pro';
import { collapseSpaces, foldText, hasHan, isBlank } from './text.ts';

export interface NormalizedPersonName {
  /** Given names then family name, folded; Chinese names stay family-first without spaces. */
  full: string;
  given: string;
  family: string;
  /** The name in Latin letters (pinyin for Chinese), family name first, for cross-script matching. */
  latin: string;
}

const TITLES = new Set(['mr', 'mrs', 'ms', 'miss', 'dr', 'prof', 'sir', 'herr', 'frau', 'mme', 'm']);
const CHINESE_TITLES = ['先生', '女士', '小姐', '经理', '总经理', '老师', '博士', '教授'];
const SUFFIXES = new Set(['jr', 'sr', 'ii', 'iii', 'iv', 'phd', 'md']);
/** Two-character Chinese family names; every other Chinese name has a one-character family name. */
const COMPOUND_SURNAMES = [
  '欧阳',
  '司马',
  '诸葛',
  '上官',
  '东方',
  '皇甫',
  '尉迟',
  '公孙',
  '慕容',
  '令狐',
  '长孙',
  '宇文',
];

function toPinyin(text: string): string {
  return pinyin(text, { toneType: 'none', type: 'array', v: true }).join('');
}

function normalizeChineseName(text: string): NormalizedPersonName {
  let name = text.replace(/[^\p{Script=Han}]/gu, '');
  const title = CHINESE_TITLES.find(
    (candidate) => name.endsWith(candidate) && name.length > candidate.length,
  );
  if (title) name = name.slice(0, -title.length);
  const familyLength = COMPOUND_SURNAMES.some((surname) => name.startsWith(surname)) ? 2 : 1;
  const family = name.slice(0, familyLength);
  const given = name.slice(familyLength);
  return { full: name, given, family, latin: collapseSpaces(`${toPinyin(family)} ${toPinyin(given)}`) };
}

/**
 * Normalizes a person's name: titles and generational suffixes dropped, "Family, Given" turned
 * into "given family", accents and case folded; Chinese names split into family and given name.
 */
export function normalizePersonName(raw: string | null | undefined): NormalizedPersonName | null {
  if (isBlank(raw)) return null;
  const commaSplit = raw.split(/[,，]/);
  const reordered = commaSplit.length === 2 ? `${commaSplit[1]} ${commaSplit[0]}` : raw;
  const folded = foldText(reordered);
  if (!folded) return null;
  if (hasHan(folded) && !/[a-z]/.test(folded)) return normalizeChineseName(folded);
  const words = folded.split(' ').filter((word) => !TITLES.has(word) && !SUFFIXES.has(word));
  if (words.length === 0) return null;
  const family = words.length > 1 ? words[words.length - 1] : '';
  const given = words.length > 1 ? words.slice(0, -1).join(' ') : words[0];
  const full = words.join(' ');
  return { full, given, family, latin: collapseSpaces(`${family} ${given}`) };
}
