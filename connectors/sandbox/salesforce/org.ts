import { externalIdField, readOnlyFields, type SObjectType, sobjectTypes } from './schema.ts';

export type SObjectRecord = Record<string, unknown> & {
  Id: string;
  SystemModstamp: string;
  IsDeleted: boolean;
};

export interface RecordError {
  statusCode: string;
  message: string;
  fields: string[];
}

/** Salesforce's datetime format: `2024-05-01T10:00:00.000+0000`. */
export function toSalesforceDateTime(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '+0000');
}

export class SObjectRequestError extends Error {
  constructor(
    readonly status: number,
    readonly errorCode: string,
    message: string,
  ) {
    super(message);
  }
}

export function typeOf(sobject: string): SObjectType {
  const type = sobjectTypes[sobject];
  if (!type) throw new SObjectRequestError(404, 'NOT_FOUND', `The requested resource does not exist`);
  return type;
}

/**
 * The sandbox org's records in memory. Every write stamps SystemModstamp (strictly increasing, so
 * incremental reads see each change); deletes go to the recycle bin (IsDeleted, queryAll only).
 */
export function createOrg() {
  const tables = new Map<string, Map<string, SObjectRecord>>();
  let counter = 0;
  let lastStamp = 0;
  const tableOf = (sobject: string) => {
    typeOf(sobject);
    let table = tables.get(sobject);
    if (!table) {
      table = new Map();
      tables.set(sobject, table);
    }
    return table;
  };
  const nextStamp = () => {
    lastStamp = Math.max(Date.now(), lastStamp + 1);
    return toSalesforceDateTime(lastStamp);
  };
  const nextId = (type: SObjectType) => {
    counter += 1;
    return `${type.prefix}Dm${counter.toString(36).toUpperCase().padStart(10, '0')}AAA`;
  };
  // Salesforce derives the closed and won flags from the stage.
  const derive = (sobject: string, record: Record<string, unknown>) => {
    if (sobject === 'Opportunity' && typeof record.StageName === 'string') {
      record.IsClosed = record.StageName.startsWith('Closed');
      record.IsWon = record.StageName === 'Closed Won';
    }
  };

  function find(id: string): { sobject: string; record: SObjectRecord } | undefined {
    for (const [sobject, table] of tables) {
      const record = table.get(id);
      if (record) return { sobject, record };
    }
    return undefined;
  }

  /** Problems with a record's values, as sObject Collections reports them per record. */
  function validate(sobject: string, fields: Record<string, unknown>, creating: boolean): RecordError[] {
    const type = typeOf(sobject);
    const errors: RecordError[] = [];
    const missing = creating
      ? type.required.filter(
          (field) => fields[field] === undefined || fields[field] === null || fields[field] === '',
        )
      : [];
    if (missing.length > 0)
      errors.push({
        statusCode: 'REQUIRED_FIELD_MISSING',
        message: `Required fields are missing: [${missing.join(', ')}]`,
        fields: missing,
      });
    for (const [field, target] of Object.entries(type.lookups)) {
      const value = fields[field];
      if (value === undefined || value === null) continue;
      const found = typeof value === 'string' ? find(value) : undefined;
      if (!found || found.sobject !== target || found.record.IsDeleted)
        errors.push({
          statusCode: 'INVALID_CROSS_REFERENCE_KEY',
          message: `invalid cross reference id`,
          fields: [field],
        });
    }
    return errors;
  }

  /** Names that are not fields of the object, or fields nobody may write: the whole request fails. */
  function assertWritable(sobject: string, fields: Record<string, unknown>): void {
    const type = typeOf(sobject);
    for (const field of Object.keys(fields)) {
      if (!type.fields.includes(field))
        throw new SObjectRequestError(
          400,
          'INVALID_FIELD',
          `No such column '${field}' on sobject of type ${sobject}`,
        );
      if (readOnlyFields.has(field))
        throw new SObjectRequestError(
          400,
          'INVALID_FIELD_FOR_INSERT_UPDATE',
          `Unable to create/update fields: ${field}. Please check the security settings of this field and verify that it is read/write for your profile or permission set.`,
        );
    }
  }

  function insert(sobject: string, fields: Record<string, unknown>): SObjectRecord {
    const type = typeOf(sobject);
    const stamp = nextStamp();
    const record: SObjectRecord = {
      ...fields,
      Id: nextId(type),
      IsDeleted: false,
      SystemModstamp: stamp,
      CreatedDate: stamp,
      LastModifiedDate: stamp,
    };
    derive(sobject, record);
    tableOf(sobject).set(record.Id, record);
    return record;
  }

  function update(sobject: string, id: string, fields: Record<string, unknown>): SObjectRecord {
    const record = tableOf(sobject).get(id);
    if (!record || record.IsDeleted)
      throw new SObjectRequestError(
        404,
        'NOT_FOUND',
        `Provided external ID field does not exist or is not accessible: ${id}`,
      );
    const stamp = nextStamp();
    Object.assign(record, fields, { SystemModstamp: stamp, LastModifiedDate: stamp });
    derive(sobject, record);
    return record;
  }

  function remove(id: string): boolean {
    const found = find(id);
    if (!found || found.record.IsDeleted) return false;
    const stamp = nextStamp();
    Object.assign(found.record, { IsDeleted: true, SystemModstamp: stamp, LastModifiedDate: stamp });
    return true;
  }

  function rows(sobject: string, includeDeleted: boolean): SObjectRecord[] {
    return [...tableOf(sobject).values()].filter((record) => includeDeleted || !record.IsDeleted);
  }

  function findBy(sobject: string, field: string, value: unknown): SObjectRecord[] {
    return rows(sobject, false).filter((record) => record[field] === value);
  }

  return { insert, update, remove, rows, find, findBy, validate, assertWritable, externalIdField };
}

export type SandboxOrg = ReturnType<typeof createOrg>;
