import type { MatcherConfigInput } from './config.ts';

/**
 * Matcher configurations per entity, as data. Weights say how much agreement on a field counts;
 * floors turn Jaro-Winkler's generous similarities for unrelated strings into zero.
 */

/** Customers and suppliers: companies, in Chinese or English, from CRM and ERP. */
export const customerMatcher: MatcherConfigInput = {
  entity: 'customer',
  features: [
    { name: 'name', from: ['name'], normalizer: 'companyLatin' },
    { name: 'taxId', from: ['taxId'], normalizer: 'taxId', regionField: 'country' },
    { name: 'phone', from: ['phone'], normalizer: 'phone', regionField: 'country', defaultRegion: 'CN' },
    { name: 'domain', from: ['email', 'website'], normalizer: 'emailDomain' },
    { name: 'core', from: ['name'], normalizer: 'companyCore' },
    // A branch in another city is another customer: "Huzhou Kaiyuan" is not "Shantou Kaiyuan".
    { name: 'places', from: ['name', 'city'], normalizer: 'places' },
    // Street and city together: systems swap them, and the city also hides in street lines.
    { name: 'location', from: ['street', 'city'], normalizer: 'streetLatin' },
    { name: 'postcode', from: ['postcode'], normalizer: 'postcode' },
    { name: 'country', from: ['country'], normalizer: 'country' },
  ],
  rules: [{ name: 'same_tax_id', features: ['taxId'] }],
  fields: [
    { feature: 'core', compare: 'tokens', weight: 4, penalty: 1 },
    { feature: 'phone', compare: 'exact', weight: 3 },
    { feature: 'domain', compare: 'exact', weight: 2 },
    { feature: 'location', compare: 'tokens', weight: 1.5 },
    { feature: 'places', compare: 'tokens', weight: 1, penalty: 2 },
    { feature: 'postcode', compare: 'edit', weight: 0.5, floor: 0.5 },
    { feature: 'country', compare: 'exact', weight: 0.5, penalty: 1 },
  ],
  vetoes: ['taxId', 'country'],
  blocking: {
    keys: [
      { name: 'core_token', parts: [{ feature: 'core', transform: 'tokens' }] },
      { name: 'core_prefix', parts: [{ feature: 'core', transform: 'prefix4' }] },
      { name: 'phone', parts: [{ feature: 'phone', transform: 'exact' }] },
      { name: 'domain', parts: [{ feature: 'domain', transform: 'exact' }] },
    ],
    maxBlockSize: 15,
    window: 3,
  },
  thresholds: { merge: 0.6, review: 0.45 },
};

/** Contacts and persons (also the FEBRL evaluation data). */
export const personMatcher: MatcherConfigInput = {
  entity: 'person',
  features: [
    { name: 'given', from: ['givenName'], normalizer: 'text' },
    { name: 'family', from: ['familyName'], normalizer: 'text' },
    { name: 'email', from: ['email'], normalizer: 'email' },
    { name: 'phone', from: ['phone'], normalizer: 'phone', regionField: 'country', defaultRegion: 'CN' },
    { name: 'streetNumber', from: ['streetNumber'], normalizer: 'digits' },
    { name: 'fullName', from: ['givenName', 'familyName', 'name'], normalizer: 'personLatin' },
    { name: 'address', from: ['street', 'locality'], normalizer: 'street' },
    { name: 'city', from: ['city'], normalizer: 'city' },
    { name: 'postcode', from: ['postcode'], normalizer: 'postcode' },
    { name: 'region', from: ['region'], normalizer: 'text' },
    { name: 'birthDate', from: ['birthDate'], normalizer: 'digits' },
    { name: 'nationalId', from: ['nationalId'], normalizer: 'digits' },
  ],
  rules: [{ name: 'same_email', features: ['email'] }],
  fields: [
    { feature: 'fullName', compare: 'tokens', weight: 4 },
    { feature: 'phone', compare: 'exact', weight: 2 },
    { feature: 'streetNumber', compare: 'edit', weight: 0.5, floor: 0.3 },
    { feature: 'address', compare: 'tokens', weight: 1.5 },
    { feature: 'city', compare: 'jaroWinkler', weight: 1, floor: 0.7 },
    { feature: 'postcode', compare: 'edit', weight: 1, floor: 0.5 },
    { feature: 'region', compare: 'exact', weight: 0.3 },
    { feature: 'birthDate', compare: 'edit', weight: 1.5, floor: 0.5 },
    { feature: 'nationalId', compare: 'edit', weight: 2, floor: 0.5 },
  ],
  blocking: {
    keys: [
      {
        name: 'family_given',
        parts: [
          { feature: 'family', transform: 'soundex' },
          { feature: 'given', transform: 'prefix2' },
        ],
      },
      {
        name: 'given_postcode',
        parts: [
          { feature: 'given', transform: 'soundex' },
          { feature: 'postcode', transform: 'exact' },
        ],
      },
      {
        name: 'family_city',
        parts: [
          { feature: 'family', transform: 'prefix3' },
          { feature: 'city', transform: 'prefix3' },
        ],
      },
      { name: 'birth_date', parts: [{ feature: 'birthDate', transform: 'exact' }] },
      { name: 'national_id', parts: [{ feature: 'nationalId', transform: 'exact' }] },
      { name: 'phone', parts: [{ feature: 'phone', transform: 'exact' }] },
    ],
    maxBlockSize: 30,
    window: 8,
  },
  thresholds: { merge: 0.5, review: 0.4 },
};

/** Items: SKUs and descriptions from ERP, PLM and suppliers' catalogues. */
export const itemMatcher: MatcherConfigInput = {
  entity: 'item',
  features: [
    { name: 'sku', from: ['sku'], normalizer: 'sku' },
    { name: 'gtin', from: ['gtin'], normalizer: 'gtin' },
    { name: 'spec', from: ['sku', 'name'], normalizer: 'itemSpec' },
    { name: 'grade', from: ['sku', 'name'], normalizer: 'itemGrade' },
    { name: 'name', from: ['name'], normalizer: 'companyLatin' },
    { name: 'unit', from: ['unit'], normalizer: 'unit' },
  ],
  rules: [
    { name: 'same_gtin', features: ['gtin'] },
    { name: 'same_sku', features: ['sku'] },
  ],
  fields: [
    { feature: 'spec', compare: 'exact', weight: 3, penalty: 1 },
    { feature: 'grade', compare: 'exact', weight: 2, penalty: 1 },
    { feature: 'sku', compare: 'edit', weight: 2, floor: 0.5 },
    { feature: 'unit', compare: 'exact', weight: 0.5 },
  ],
  // Kind and size alone fit several grades of one part: without a grade a pair goes to review.
  minCoverage: 0.75,
  vetoes: ['gtin'],
  blocking: {
    keys: [
      { name: 'spec', parts: [{ feature: 'spec', transform: 'exact' }] },
      { name: 'sku_prefix', parts: [{ feature: 'sku', transform: 'prefix4' }] },
      { name: 'name_token', parts: [{ feature: 'name', transform: 'tokens' }] },
    ],
    maxBlockSize: 30,
    window: 8,
  },
  thresholds: { merge: 0.85, review: 0.6 },
};

export const entityMatchers: Readonly<Record<string, MatcherConfigInput>> = {
  customer: customerMatcher,
  person: personMatcher,
  item: itemMatcher,
};
