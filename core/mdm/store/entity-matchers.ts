import type { MatcherConfig, MatchInputRecord } from '../match/config.ts';
import { customerMatcher, itemMatcher, personMatcher } from '../match/entities.ts';
import { parseMatcherConfig } from '../match/matcher.ts';

type Values = MatchInputRecord['values'];

/** Entities whose new source records are matched against existing golden records. */
export const matchedEntities = ['customer', 'contact', 'supplier', 'item'] as const;
export type MatchedEntity = (typeof matchedEntities)[number];

export function isMatchedEntity(entity: string): entity is MatchedEntity {
  return (matchedEntities as readonly string[]).includes(entity);
}

const text = (value: unknown): string | undefined =>
  typeof value === 'string' && value.trim() !== '' ? value : undefined;

function addressOf(body: Record<string, unknown>): Record<string, unknown> {
  const address = body.address;
  return address !== null && typeof address === 'object' ? (address as Record<string, unknown>) : {};
}

/** Canonical bodies to the flat fields the matcher configurations read. */
const TO_VALUES: Readonly<Record<MatchedEntity, (body: Record<string, unknown>) => Values>> = {
  customer: (body) => companyValues(body),
  supplier: (body) => companyValues(body),
  contact: (body) => ({
    givenName: text(body.firstName),
    familyName: text(body.lastName),
    email: text(body.email),
    phone: text(body.phone),
  }),
  item: (body) => ({
    sku: text(body.sku),
    gtin: text(body.gtin),
    name: text(body.name),
    unit: text(body.uom),
  }),
};

function companyValues(body: Record<string, unknown>): Values {
  const address = addressOf(body);
  return {
    name: text(body.name),
    taxId: text(body.taxId),
    phone: text(body.phone),
    email: text(body.email),
    website: text(body.website),
    street: text(address.street),
    city: text(address.city),
    postcode: text(address.postalCode),
    country: text(address.country),
  };
}

const CONFIGS: Readonly<Record<MatchedEntity, MatcherConfig>> = {
  customer: parseMatcherConfig(customerMatcher),
  supplier: parseMatcherConfig({ ...customerMatcher, entity: 'supplier' }),
  contact: parseMatcherConfig({ ...personMatcher, entity: 'contact' }),
  item: parseMatcherConfig(itemMatcher),
};

export function matcherConfigFor(entity: MatchedEntity): MatcherConfig {
  return CONFIGS[entity];
}

export function matchInputOf(
  entity: MatchedEntity,
  id: string,
  body: Record<string, unknown>,
): MatchInputRecord {
  return { id, values: TO_VALUES[entity](body) };
}
