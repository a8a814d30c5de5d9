import { latinizeStreet, normalizeAddress, toCountryCode } from '../normalize/address.ts';
import {
  coreCompanyName,
  latinizeCompanyName,
  normalizeCompanyName,
  placesInName,
} from '../normalize/company-name.ts';
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
type Normalizer = (text: string, record: MatchInputRecord, feature: Feature) => string | null | undefined;

function regionOf(record: MatchInputRecord, feature: Feature): string | undefined {
  const raw = feature.regionField ? record.values[feature.regionField] : undefined;
  return toCountryCode(raw) ?? feature.defaultRegion;
}

const NORMALIZERS: Readonly<Record<Feature['normalizer'], Normalizer>> = {
  text: (text) => foldText(text),
  digits: (text) => foldText(text).replace(/\D/g, ''),
  companyName: (text) => normalizeCompanyName(text)?.name,
  companyLatin: (text) => normalizeCompanyName(text)?.latin,
  places: (text) => placesInName(latinizeCompanyName(foldText(text))),
  companyCore: (text) => {
    const latin = normalizeCompanyName(text)?.latin;
    return latin ? coreCompanyName(latin) : null;
  },
  personName: (text) => normalizePersonName(text)?.full,
  personLatin: (text) => normalizePersonName(text)?.latin,
  email: (text) => normalizeEmail(text)?.address,
  emailDomain: (text) => {
    const email = normalizeEmail(text);
    return email && !email.freeProvider ? email.domain : null;
  },
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

/** Normalized matching features of one record; absent or unparseable values are left out. */
export function extractFeatures(record: MatchInputRecord, config: MatcherConfig): Features {
  const features: Features = {};
  for (const feature of config.features) {
    const parts = feature.from
      .map((field) => record.values[field])
      .filter((value): value is string => !isBlank(value));
    if (parts.length === 0) continue;
    const value = NORMALIZERS[feature.normalizer](parts.join(' '), record, feature);
    if (value) features[feature.name] = value;
  }
  return features;
}
