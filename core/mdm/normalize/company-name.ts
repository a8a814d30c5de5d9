import { pinyin } from 'pinyin-pro';
import { levenshtein } from '../match/similarity.ts';
import {
  chineseLegalForms,
  chinesePlaces,
  industryTerms,
  latinLegalForms,
  latinSynonyms,
} from './company-terms.ts';
import { memoize } from './memo.ts';
import { collapseSpaces, foldText, hasHan, isBlank } from './text.ts';

export interface NormalizedCompanyName {
  /** Folded name without its legal form, in its own script. */
  name: string;
  /** Canonical legal forms that were removed, outermost last ("ltd", "group ltd", "gmbh"). */
  legalForms: string[];
  /** Latin-script words: Chinese place and industry words translated, the rest in pinyin. */
  latin: string;
}

const HAN_RUN = /\p{Script=Han}+/gu;

function stripChineseLegalForms(name: string, found: string[]): string {
  let rest = name.replace(/\s+/g, '');
  let changed = true;
  while (changed) {
    changed = false;
    // "(集团)" inside a name, as in 恒达(集团)有限公司, arrives here as a bare 集团 after folding.
    for (const [form, canonical] of chineseLegalForms) {
      if (rest.endsWith(form) && rest.length > form.length) {
        rest = rest.slice(0, -form.length);
        found.unshift(canonical);
        changed = true;
        break;
      }
    }
  }
  return rest;
}

/**
 * A legal-form word typed with one error: a swapped pair ("ldt" for "ltd") or one edit
 * ("limmited", "inr"). Two-letter forms (ag, sa) must match exactly.
 */
function resemblesLegalWord(word: string, known: string): boolean {
  if (word === known) return true;
  if (known.length < 3) return false;
  if (word.length === known.length && [...word].sort().join('') === [...known].sort().join('')) return true;
  return Math.abs(word.length - known.length) <= 1 && levenshtein(word, known) <= 1;
}

/**
 * A place name typed with one error. Only long names, with the first letter right: "kaiyuan"
 * (a brand) must not pass for "taiyuan", nor "tianjia" for "tianjin".
 */
function resemblesPlace(word: string, place: string): boolean {
  if (word === place) return true;
  return (
    place.length >= 8 &&
    word[0] === place[0] &&
    Math.abs(word.length - place.length) <= 1 &&
    levenshtein(word, place) <= 1
  );
}

const LEGAL_FORMS = latinLegalForms.map(([form, canonical]) => ({ words: form.split(' '), canonical }));

function findLegalForm(words: string[], match: (word: string, known: string) => boolean) {
  return LEGAL_FORMS.find(
    (form) =>
      words.length > form.words.length &&
      words.slice(-form.words.length).every((word, index) => match(word, form.words[index])),
  );
}

function stripLatinLegalForms(name: string, found: string[]): string {
  let words = name.split(' ');
  while (words.length > 1) {
    // Exact spellings first, so a typo-tolerant match never shadows a correct longer form.
    const form =
      findLegalForm(words, (word, known) => word === known) ?? findLegalForm(words, resemblesLegalWord);
    if (!form) break;
    words = words.slice(0, -form.words.length);
    found.unshift(form.canonical);
  }
  return words.join(' ');
}

const romanizeRun = memoize((run: string) =>
  pinyin(run, { toneType: 'none', type: 'array', v: true }).join(''),
);

/** Place names and industry words by first character: one lookup per character of a name. */
const HAN_WORDS = new Map<string, Array<{ zh: string; latin: string | null }>>();
for (const place of chinesePlaces) addHanWord(place, null);
for (const [zh, latin] of industryTerms) addHanWord(zh, latin);
for (const words of HAN_WORDS.values()) words.sort((a, b) => b.zh.length - a.zh.length);

function addHanWord(zh: string, latin: string | null): void {
  const words = HAN_WORDS.get(zh[0]) ?? [];
  words.push({ zh, latin });
  HAN_WORDS.set(zh[0], words);
}

/** Splits a run of Han characters into place, industry and remaining words, all in Latin script. */
function latinizeHan(run: string): string {
  const words: string[] = [];
  let pendingStart = -1;
  const flush = (end: number) => {
    if (pendingStart >= 0) words.push(romanizeRun(run.slice(pendingStart, end)));
    pendingStart = -1;
  };
  let index = 0;
  while (index < run.length) {
    const known = HAN_WORDS.get(run[index])?.find((word) => run.startsWith(word.zh, index));
    if (known) {
      flush(index);
      // Places are romanized as one word; industry words are translated.
      words.push(known.latin ?? romanizeRun(known.zh));
      index += known.zh.length;
    } else {
      if (pendingStart < 0) pendingStart = index;
      index += 1;
    }
  }
  flush(run.length);
  return words.join(' ');
}

/** Romanizes and canonicalizes words so different scripts and spellings of one name meet. */
export function latinizeCompanyName(name: string): string {
  const latin = hasHan(name) ? name.replace(HAN_RUN, (run) => ` ${latinizeHan(run)} `) : name;
  const words: string[] = [];
  for (const word of latin.split(' ')) {
    const canonical = SYNONYMS.get(word) ?? word;
    if (canonical && canonical !== 'and') words.push(canonical);
  }
  return words.join(' ');
}

const SYNONYMS = new Map(Object.entries(latinSynonyms));

let placeWords: Set<string> | undefined;
let longPlaceWords: string[] = [];

function isPlaceWord(word: string): boolean {
  if (!placeWords) {
    placeWords = new Set(chinesePlaces.map(romanizeRun));
    longPlaceWords = [...placeWords].filter((place) => place.length >= 8);
  }
  if (placeWords.has(word)) return true;
  return word.length >= 7 && longPlaceWords.some((place) => resemblesPlace(word, place));
}

/** Place words in a romanized name or address ("ningbo"), sorted, for telling branches apart. */
export function placesInName(latin: string): string {
  return [...new Set(latin.split(' ').filter(isPlaceWord))].sort().join(' ');
}

/**
 * The distinctive part of a romanized company name: place words removed, since "Changsha
 * Kanghai Electric" and "Kanghai Electric (Changsha)" name one company. Keeps the name whole
 * when it is nothing but a place.
 */
export function coreCompanyName(latin: string): string {
  const words = latin.split(' ').filter((word) => !isPlaceWord(word));
  return words.length > 0 ? words.join(' ') : latin;
}

/**
 * Normalizes a company name for matching: half-width, simplified Chinese, lower case, no
 * punctuation, legal forms (有限公司, 股份有限公司, (集团), Co., Ltd., GmbH, ...) removed.
 */
export function normalizeCompanyName(raw: string | null | undefined): NormalizedCompanyName | null {
  if (isBlank(raw)) return null;
  return normalizeCompanyNameText(raw);
}

const normalizeCompanyNameText = memoize((raw: string): NormalizedCompanyName | null => {
  const folded = foldText(raw.replace(/&/g, ' and '));
  if (!folded) return null;
  const legalForms: string[] = [];
  let name = stripLatinLegalForms(folded, legalForms);
  if (hasHan(name)) {
    const han = stripChineseLegalForms(name, legalForms);
    // Han text carries no spaces; a Latin word inside a Chinese name keeps its own spaces.
    name =
      hasHan(han) && /^[\p{Script=Han}\s]+$/u.test(name) ? han : collapseSpaces(han.replace(HAN_RUN, ' $& '));
  }
  return { name, legalForms, latin: latinizeCompanyName(name) };
});
