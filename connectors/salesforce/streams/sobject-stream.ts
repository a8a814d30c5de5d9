import type { StreamSpec } from '../../../core/connector/types.ts';

/** A child relationship read with its parent in one SOQL query (line items, price book entries). */
export interface ChildRelationship {
  /** Relationship name on the parent, e.g. OpportunityLineItems. */
  name: string;
  fields: string[];
}

/** How one hub stream maps to a Salesforce object: what to select and which children come along. */
export interface SObjectStream {
  spec: StreamSpec;
  sobject: string;
  fields: string[];
  children: ChildRelationship[];
}

/** Every stream is keyed on Id and read incrementally on SystemModstamp. */
export function defineSObjectStream(
  options: Omit<SObjectStream, 'spec' | 'children'> & {
    name: string;
    entity: StreamSpec['entity'];
    description: string;
    children?: ChildRelationship[];
  },
): SObjectStream {
  const fields = [...new Set(['Id', 'SystemModstamp', ...options.fields])];
  return {
    sobject: options.sobject,
    fields,
    children: options.children ?? [],
    spec: {
      name: options.name,
      entity: options.entity,
      primaryKey: 'Id',
      cursorField: 'SystemModstamp',
      read: true,
      write: true,
      writeBatchSize: 200,
      description: options.description,
    },
  };
}
