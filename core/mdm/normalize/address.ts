import { latinizeCompanyName } from './company-name.ts';
import { countries } from './countries.ts';
import { collapseSpaces, foldText, isBlank } from './text.ts';

export interface AddressInput {
  line1?: string | null;
  line2?: string | null;
  city?: string | null;
  region?: string | null;
  postcode?: string | null;
  country?: string | null;
}

export interface NormalizedAddress {
  /** Street lines folded, with street-type words abbreviated one way. */
  street: string;
  city: string;
  region: string;
  postcode: string;
  /** ISO 3166-1 alpha-2, or null when the country was absent or not recognized. */
  country: string | null;
}

const byName = new Map<string, string>();
for (const country of countries) {
  byName.set(country.alpha2.toLowerCase(), country.alpha2);
  byName.set(country.alpha3.toLowerCase(), country.alpha2);
  for (const name of country.names) byName.set(foldText(name), country.alpha2);
}

/** ISO 3166-1 alpha-2 code for a code, an English name or a Chinese name (e.g. "德国" -> "DE"). */
export function toCountryCode(raw: string | null | undefined): string | null {
  if (isBlank(raw)) return null;
  return byName.get(foldText(raw)) ?? null;
}

const STREET_WORDS: Readonly<Record<string, string>> = {
  street: 'st',
  str: 'st',
  strasse: 'str',
  road: 'rd',
  avenue: 'ave',
  av: 'ave',
  boulevard: 'blvd',
  drive: 'dr',
  lane: 'ln',
  place: 'pl',
  court: 'ct',
  crescent: 'cres',
  circuit: 'cct',
  square: 'sq',
  highway: 'hwy',
  parkway: 'pkwy',
  terrace: 'tce',
  close: 'cl',
  north: 'n',
  south: 's',
  east: 'e',
  west: 'w',
  building: 'bldg',
  floor: 'fl',
  suite: 'ste',
  number: 'no',
  room: 'rm',
  district: 'dist',
};

function normalizeStreet(line: string): string {
  // Chinese addresses carry no spaces: a space next to a Han character is typing noise.
  const folded = foldText(line.replace(/straße\b/gi, 'strasse')).replace(
    /(?<=[\p{Script=Han}\d]) (?=\p{Script=Han})|(?<=\p{Script=Han}) (?=\d)/gu,
    '',
  );
  return folded
    .split(' ')
    .map((word) => STREET_WORDS[word] ?? word)
    .join(' ');
}

const CHINESE_STREET_WORDS: ReadonlyArray<readonly [RegExp, string]> = [
  [/大道/g, ' avenue '],
  [/大街/g, ' street '],
  [/路/g, ' road '],
  [/街/g, ' street '],
  [/巷/g, ' lane '],
  [/号/g, ' '],
];

/**
 * A street line in Latin letters, so "中山路123号" and "123 Zhongshan Road" share their words:
 * street-type characters become English words, the names pinyin, then the usual abbreviations.
 */
export function latinizeStreet(line: string): string {
  let text = normalizeStreet(line.replace(/市(?=\s|$)/g, ' '));
  for (const [pattern, word] of CHINESE_STREET_WORDS) text = text.replace(pattern, word);
  return normalizeStreet(latinizeCompanyName(text));
}

/** Folds an address part by part and resolves the country to its ISO code. */
export function normalizeAddress(input: AddressInput): NormalizedAddress {
  const lines = [input.line1, input.line2].filter((line): line is string => !isBlank(line));
  return {
    street: collapseSpaces(lines.map(normalizeStreet).join(' ')),
    city: isBlank(input.city) ? '' : foldText(input.city).replace(/(市|县|区)$/, ''),
    region: isBlank(input.region) ? '' : foldText(input.region).replace(/(省|自治区)$/, ''),
    postcode: isBlank(input.postcode) ? '' : foldText(input.postcode).replace(/\s/g, '').toUpperCase(),
    country: toCountryCode(input.country),
  };
}
