import type { StreamSpec } from '../../../core/connector/types.ts';
import { HubError } from '../../../core/errors/index.ts';

/** How one hub stream maps to a HubSpot CRM object type. */
export interface CrmObjectStream {
  spec: StreamSpec;
  objectType: string;
  /** Contacts keep `lastmodifieddate`; every other object `hs_lastmodifieddate`. */
  modifiedProperty: string;
  properties: string[];
  /** Line item properties, for deals. */
  lineItemProperties?: string[];
  /**
   * Datetime properties the hub takes as calendar days of the portal's time zone: records read
   * carry `portal_time_zone`, and a day written is sent as the start of that day there.
   */
  portalDayProperties?: string[];
}

export function defineCrmObjectStream(options: {
  name: string;
  entity: StreamSpec['entity'];
  objectType: string;
  modifiedProperty?: string;
  properties: string[];
  lineItemProperties?: string[];
  portalDayProperties?: string[];
}): CrmObjectStream {
  const modifiedProperty = options.modifiedProperty ?? 'hs_lastmodifieddate';
  return {
    objectType: options.objectType,
    modifiedProperty,
    properties: [...new Set([...options.properties, modifiedProperty, 'createdate'])],
    lineItemProperties: options.lineItemProperties,
    portalDayProperties: options.portalDayProperties,
    spec: {
      name: options.name,
      entity: options.entity,
      primaryKey: 'id',
      cursorField: `properties.${modifiedProperty}`,
      read: true,
      write: true,
      writeBatchSize: 100,
      description: `HubSpot ${options.objectType}`,
    },
  };
}

export const companies = defineCrmObjectStream({
  name: 'companies',
  entity: 'customer',
  objectType: 'companies',
  properties: [
    'name',
    'domain',
    'phone',
    'address',
    'city',
    'state',
    'zip',
    'country',
    'industry',
    'numberofemployees',
    'annualrevenue',
  ],
});

export const contacts = defineCrmObjectStream({
  name: 'contacts',
  entity: 'contact',
  objectType: 'contacts',
  modifiedProperty: 'lastmodifieddate',
  properties: [
    'firstname',
    'lastname',
    'email',
    'phone',
    'mobilephone',
    'jobtitle',
    'company',
    'associatedcompanyid',
    'address',
    'city',
    'state',
    'zip',
    'country',
  ],
});

export const products = defineCrmObjectStream({
  name: 'products',
  entity: 'item',
  objectType: 'products',
  properties: [
    'name',
    'hs_sku',
    'description',
    'price',
    'hs_cost_of_goods_sold',
    'hs_recurring_billing_period',
  ],
});

export const deals = defineCrmObjectStream({
  name: 'deals',
  entity: 'opportunity',
  objectType: 'deals',
  properties: [
    'dealname',
    'amount',
    'dealstage',
    'pipeline',
    'closedate',
    'deal_currency_code',
    'hs_deal_stage_probability',
  ],
  lineItemProperties: ['name', 'hs_product_id', 'hs_sku', 'quantity', 'price', 'amount', 'discount'],
  portalDayProperties: ['closedate'],
});

export const hubspotStreams: CrmObjectStream[] = [companies, contacts, products, deals];

/** Webhook subscription types name objects in the singular: `company.creation`. */
export const streamBySubscriptionObject: Record<string, CrmObjectStream> = {
  company: companies,
  contact: contacts,
  product: products,
  deal: deals,
};

export function findCrmObjectStream(name: string): CrmObjectStream {
  const stream = hubspotStreams.find((candidate) => candidate.spec.name === name);
  if (!stream) {
    const known = hubspotStreams.map((candidate) => candidate.spec.name).join(', ');
    throw new HubError('config', 'unknown_stream', `hubspot has no stream "${name}" (streams: ${known})`);
  }
  return stream;
}
