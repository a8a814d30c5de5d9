import { salesforceStreams } from '../../salesforce/streams/index.ts';

/**
 * The sObjects the sandbox org holds, with the fields the Salesforce connector reads and the
 * custom fields a hub org adds: Hub_Id__c (external id, the upsert key) and the TOC push-back
 * fields. Fields outside these lists do not exist, as in a real org.
 */
export interface SObjectType {
  /** Key prefix of record ids (001 for Account). */
  prefix: string;
  fields: string[];
  /** Required on create (REQUIRED_FIELD_MISSING otherwise). */
  required: string[];
  /** Lookup fields and the sObject they point at. */
  lookups: Record<string, string>;
  /** Parent-to-child relationships: name → child sObject and the child's lookup field. */
  children: Record<string, { sobject: string; field: string }>;
}

const system = ['Id', 'IsDeleted', 'SystemModstamp', 'CreatedDate', 'LastModifiedDate'];

export const externalIdField = 'Hub_Id__c';
export const pushBackFields = ['Promise_Date__c', 'Buffer_Status__c', 'Throughput_per_Constraint_Minute__c'];

/** Field types as describe answers them, for the fields whose type is not a string (lookups: reference). */
const fieldTypes: Record<string, string> = {
  Id: 'id',
  IsDeleted: 'boolean',
  SystemModstamp: 'datetime',
  CreatedDate: 'datetime',
  LastModifiedDate: 'datetime',
  CloseDate: 'date',
  EffectiveDate: 'date',
  Promise_Date__c: 'date',
  Amount: 'currency',
  UnitPrice: 'currency',
  Quantity: 'double',
  Throughput_per_Constraint_Minute__c: 'double',
};

/** The type describe gives a field of an sObject. */
export const fieldTypeOf = (type: Pick<SObjectType, 'lookups'>, field: string): string =>
  type.lookups[field] ? 'reference' : (fieldTypes[field] ?? 'string');

/** What the org adds to the fields the connector reads: requirements, lookups, custom fields. */
const extras: Record<
  string,
  { prefix: string; required: string[]; lookups?: Record<string, string>; custom?: string[] }
> = {
  Account: { prefix: '001', required: ['Name'], lookups: { ParentId: 'Account' } },
  Contact: { prefix: '003', required: ['LastName'], lookups: { AccountId: 'Account' } },
  Product2: { prefix: '01t', required: ['Name'] },
  PricebookEntry: {
    prefix: '01u',
    required: ['Product2Id', 'UnitPrice'],
    lookups: { Product2Id: 'Product2' },
  },
  Opportunity: {
    prefix: '006',
    required: ['Name', 'StageName', 'CloseDate'],
    lookups: { AccountId: 'Account' },
    custom: pushBackFields,
  },
  OpportunityLineItem: {
    prefix: '00k',
    required: ['OpportunityId', 'Quantity'],
    lookups: { OpportunityId: 'Opportunity', Product2Id: 'Product2' },
  },
  Order: {
    prefix: '801',
    required: ['AccountId', 'Status', 'EffectiveDate'],
    lookups: { AccountId: 'Account', OpportunityId: 'Opportunity' },
    custom: pushBackFields,
  },
  OrderItem: {
    prefix: '802',
    required: ['OrderId', 'Quantity'],
    lookups: { OrderId: 'Order', Product2Id: 'Product2' },
  },
};

/** Child relationship name → child sObject and its lookup to the parent. */
const relationships: Record<string, { sobject: string; field: string }> = {
  OpportunityLineItems: { sobject: 'OpportunityLineItem', field: 'OpportunityId' },
  OrderItems: { sobject: 'OrderItem', field: 'OrderId' },
  PricebookEntries: { sobject: 'PricebookEntry', field: 'Product2Id' },
};

function define(sobject: string, fields: string[], children: SObjectType['children'] = {}): SObjectType {
  const extra = extras[sobject]!;
  const all = [...system, ...fields, ...(extra.custom ?? []), externalIdField];
  return {
    prefix: extra.prefix,
    fields: [...new Set(all)],
    required: extra.required,
    lookups: extra.lookups ?? {},
    children,
  };
}

/** The org has the fields the connector reads (plus the extras), so the two never drift apart. */
function buildTypes(): Record<string, SObjectType> {
  const types: Record<string, SObjectType> = {};
  for (const stream of salesforceStreams) {
    const children: SObjectType['children'] = {};
    for (const child of stream.children) {
      const relation = relationships[child.name]!;
      children[child.name] = relation;
      types[relation.sobject] = define(relation.sobject, [...child.fields, relation.field]);
    }
    types[stream.sobject] = define(stream.sobject, stream.fields, children);
  }
  return types;
}

export const sobjectTypes: Record<string, SObjectType> = buildTypes();

/** Fields Salesforce maintains itself: a write naming them is refused. */
export const readOnlyFields = new Set([
  'IsDeleted',
  'SystemModstamp',
  'CreatedDate',
  'LastModifiedDate',
  'IsClosed',
  'IsWon',
  'TotalPrice',
  'TotalAmount',
  'OrderNumber',
  'OrderItemNumber',
]);
