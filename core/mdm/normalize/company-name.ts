import { pinyin } from 'pinyin-pro';
import { levenshtein } from '../match/similarity.ts';
import {
  chineseLegalForms,
  chinesePlaces,
  industryTerms,
  latinLegalForms,
  latinSynonyms,
} from './company-terms.ts';
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

function endsWithWords(words: string[], form: string[]): boolean {
  const tail = words.slice(-form.length);
  return tail.every((word, index) => resemblesLegalWord(word, form[index]));
}

function stripLatinLegalForms(name: string, found: string[]): string {
  let words = name.split(' ');
  let changed = true;
  while (changed && words.length > 1) {
    changed = false;
    for (const [form, canonical] of latinLegalForms) {
      const formWords = form.split(' ');
      if (words.length <= formWords.length) continue;
      if (endsWithWords(words, formWords)) {
        words = words.slice(0, -formWords.length);
        found.unshift(canonical);
        changed = true;
        break;
      }
    }
  }
  return words.join(' ');
}

function romanizeRun(run: string): string {
  return pinyin(run, { toneType: 'none', type: 'array', v: true }).join('');
}

/** Splits a run of Han characters into place, industry and remaining words, all in Latin script. */
function latinizeHan(run: string): string {
  const words: string[] = [];
  let pending = '';
  const flush = () => {
    if (pending) words.push(romanizeRun(pending));
    pending = '';
  };
  let index = 0;
  while (index < run.length) {
    const rest = run.slice(index);
    const place = chinesePlaces.find((candidate) => rest.startsWith(candidate));
    const term = place ? undefined : industryTerms.find(([zh]) => rest.startsWith(zh));
    if (place) {
      flush();
      words.push(romanizeRun(place));
      index += place.length;
    } else if (term) {
      flush();
      words.push(term[1]);
      index += term[0].length;
    } else {
      pending += run[index];
      index += 1;
    }
  }
  flush();
  return words.join(' ');
}

/** Romanizes and canonicalizes words so different scripts and spellings of one name meet. */
export function latinizeCompanyName(name: string): string {
  const latin = hasHan(name) ? name.replace(HAN_RUN, (run) => ` ${latinizeHan(run)} `) : name;
  return collapseSpaces(
    collapseSpaces(latin)
      .split(' ')
      .map((word) => latinSynonyms[word] ?? word)
      .filter((word) => word !== 'and')
      .join(' '),
  );
}

let placeWords: string[] | undefined;

function isPlaceWord(word: string): boolean {
  placeWords ??= chinesePlaces.map(romanizeRun);
  return placeWords.some((place) => resemblesPlace(word, place));
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
}
