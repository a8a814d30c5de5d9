import { latinizeStreet, normalizeAddress, toCountryCode } from '../normalize/address.ts';
import {
  coreCompanyName,
  latinizeCompanyName,
  normalizeCompanyName,
  placesInName,
} from '../normalize/company-name.ts';
import { companyDomain } from '../normalize/domain.ts';
import { normalizeEmail } from '../normalize/email.ts';
import { normalizeGtin } from '../normalize/gtin.ts';
import { normalizePersonName } from '../normalize/person-name.ts';
import { normalizePhone } from '../normalize/phone.ts';
import { itemSpecKey, normalizeSku, parseItemGrade } from '../normalize/sku.ts';
import { normalizeTaxId } from '../normalize/tax-id.ts';
import { foldText, isBlank } from '../normalize/text.ts';
import { normalizeUnit } from '../normalize/unit.ts';
import type { MatcherConfig, MatchInputRecord } from './config.ts';

type Feature = MatcherConfig['features'][number];
/** `parts` are the non-empty source fields that `text` joins, for normalizers that treat them apart. */
type Normalizer = (
  text: string,
  record: MatchInputRecord,
  feature: Feature,
  parts: string[],
) => string | null | undefined;

function regionOf(record: MatchInputRecord, feature: Feature): string | undefined {
  const raw = feature.regionField ? record.values[feature.regionField] : undefined;
  return toCountryCode(raw) ?? feature.defaultRegion;
}

const NORMALIZERS: Readonly<Record<Feature['normalizer'], Normalizer>> = {
  text: (text) => foldText(text),
  digits: (text) => foldText(text).replace(/\D/g, ''),
  companyName: (text) => normalizeCompanyName(text)?.name,
  companyLatin: (text) => normalizeCompanyName(text)?.latin,
  // Each part on its own: a company name's romanization is already cached for the name feature.
  places: (_text, _record, _feature, parts) =>
    placesInName(parts.map((part) => normalizeCompanyName(part)?.latin ?? '').join(' ')),
  companyCore: (text) => {
    const latin = normalizeCompanyName(text)?.latin;
    return latin ? coreCompanyName(latin) : null;
  },
  personName: (text) => normalizePersonName(text)?.full,
  personLatin: (text) => normalizePersonName(text)?.latin,
  email: (text) => normalizeEmail(text)?.address,
  // Each part on its own: "info@acme.com https://acme.com" is neither an address nor a URL.
  emailDomain: (_text, _record, _feature, parts) => companyDomain(parts),
  phone: (text, record, feature) => {
    try {
      return normalizePhone(text, regionOf(record, feature));
    } catch {
      return normalizePhone(text, feature.defaultRegion);
    }
  },
  taxId: (text, record, feature) => normalizeTaxId(text, regionOf(record, feature))?.value,
  sku: (text) => normalizeSku(text),
  itemSpec: (text) => itemSpecKey(text),
  itemGrade: (text) => parseItemGrade(text),
  gtin: (text) => normalizeGtin(text),
  unit: (text) => normalizeUnit(text),
  street: (text) => normalizeAddress({ line1: text }).street,
  streetLatin: (text) => latinizeStreet(text),
  // Romanized so "宁波市" and "Ningbo City" meet.
  city: (text) => latinizeCompanyName(normalizeAddress({ city: text }).city).replace(/ (city|shi)$/, ''),
  postcode: (text) => normalizeAddress({ postcode: text }).postcode,
  country: (text) => toCountryCode(text),
};

export type Features = Record<string, string>;

const CACHE_LIMIT = 200_000;
const caches = new WeakMap<Feature, Map<string, string | null>>();

/** Normalizes with a per-feature cache: cities, countries and domains repeat across records. */
function normalizeCached(parts: string[], record: MatchInputRecord, feature: Feature): string | null {
  let cache = caches.get(feature);
  if (!cache) {
    cache = new Map();
    caches.set(feature, cache);
  }
  const text = parts.join(' ');
  const key = feature.regionField ? `${record.values[feature.regionField] ?? ''}\u0000${text}` : text;
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  const value = NORMALIZERS[feature.normalizer](text, record, feature, parts) || null;
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(key, value);
  return value;
}

/** Normalized matching features of one record; absent or unparseable values are left out. */
export function extractFeatures(record: MatchInputRecord, config: MatcherConfig): Features {
  const features: Features = {};
  for (const feature of config.features) {
    const parts = feature.from
      .map((field) => record.values[field])
      .filter((value): value is string => !isBlank(value));
    if (parts.length === 0) continue;
    const value = normalizeCached(parts, record, feature);
    if (value) features[feature.name] = value;
  }
  return features;
}
