import { type OdooRelation, type OdooStream, odooSpec } from './types.ts';

const partnerFields = [
  'id',
  'name',
  'display_name',
  'is_company',
  'company_type',
  'parent_id',
  'email',
  'phone',
  'mobile',
  'street',
  'street2',
  'city',
  'zip',
  'state_id',
  'country_id',
  'vat',
  'ref',
  'customer_rank',
  'supplier_rank',
  'property_payment_term_id',
  'credit_limit',
  'write_date',
  'active',
];

// many2one values carry the display name only; the ISO code comes from res.country.
const countryRelation: OdooRelation = {
  as: 'country',
  model: 'res.country',
  link: { kind: 'parent', field: 'country_id' },
  fields: ['id', 'name', 'code'],
};

// customer_rank / supplier_rank are counters, not flags: a partner is a customer once it has
// been used on a sale. Vendors known only from price lists keep supplier_rank 0.
export const customersStream: OdooStream = {
  spec: odooSpec({
    name: 'customers',
    entity: 'customer',
    read: true,
    write: true,
    description: 'res.partner with customer_rank > 0',
  }),
  model: 'res.partner',
  domain: [['customer_rank', '>', 0]],
  fields: partnerFields,
  relations: [countryRelation],
  matchField: 'ref',
};

export const suppliersStream: OdooStream = {
  spec: odooSpec({
    name: 'suppliers',
    entity: 'supplier',
    read: true,
    write: true,
    description: 'res.partner with supplier_rank > 0',
  }),
  model: 'res.partner',
  domain: [['supplier_rank', '>', 0]],
  fields: [...partnerFields, 'property_supplier_payment_term_id'],
  relations: [countryRelation],
  matchField: 'ref',
};

export const contactsStream: OdooStream = {
  spec: odooSpec({
    name: 'contacts',
    entity: 'contact',
    read: true,
    write: false,
    description: 'res.partner people (not companies)',
  }),
  model: 'res.partner',
  domain: [['is_company', '=', false]],
  fields: partnerFields,
  relations: [countryRelation],
};
