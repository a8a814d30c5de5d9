import { withDefaults } from './defaults.ts';
import { type Domain, DomainError, matchesDomain } from './domain.ts';
import { type ModelDef, odooModels } from './models.ts';

export type OdooValues = Record<string, unknown>;
type Stored = OdooValues & { id: number; write_date: string };

/** A Python exception as Odoo reports it over JSON-RPC (data.name, data.message). */
export class OdooFault extends Error {
  constructor(
    readonly exception: string,
    message: string,
  ) {
    super(message);
  }
}

/** Odoo's datetime format: UTC, no zone, whole seconds. */
export function odooNow(date = new Date()): string {
  return date.toISOString().slice(0, 19).replace('T', ' ');
}

const isCommand = (value: unknown): value is [number, number, unknown] =>
  Array.isArray(value) && typeof value[0] === 'number' && value.length === 3;

/**
 * The sandbox database: records per model in memory, read the way the ORM shows them (many2one
 * as [id, display name], empty values as false, one2many as the ids pointing back).
 */
export function createOdooDatabase() {
  const tables = new Map<string, Map<number, Stored>>();
  let nextId = 1;

  function modelOf(model: string): ModelDef {
    const def = odooModels[model];
    if (!def) throw new OdooFault('odoo.exceptions.UserError', `Object ${model} doesn't exist`);
    return def;
  }
  function tableOf(model: string) {
    modelOf(model);
    let table = tables.get(model);
    if (!table) {
      table = new Map();
      tables.set(model, table);
    }
    return table;
  }
  const get = (model: string, id: number) => tables.get(model)?.get(id);

  function displayName(model: string, id: number): string {
    const record = get(model, id);
    return String(record?.display_name || record?.name || record?.complete_name || `${model},${id}`);
  }

  function readField(model: string, record: Stored, field: string): unknown {
    const def = modelOf(model).fields[field];
    const value = record[field];
    if (def?.type === 'many2one')
      return typeof value === 'number' ? [value, displayName(def.relation, value)] : false;
    if (def?.type === 'one2many') {
      const parent = def.via ? record[def.via] : record.id;
      if (parent === undefined || parent === false) return [];
      return [...tableOf(def.relation).values()]
        .filter((child) => child[def.inverse] === parent)
        .map((child) => child.id);
    }
    if (def?.type === 'many2many') return Array.isArray(value) ? value : [];
    if (field === 'display_name') return displayName(model, record.id);
    return value === undefined || value === null ? false : value;
  }

  /** Reads a dotted path for domains: `location_id.usage` follows the many2one. */
  function pathReader(model: string) {
    return (record: Record<string, unknown>, path: string): unknown => {
      const [head, ...rest] = path.split('.');
      const def = modelOf(model).fields[head!];
      if (!def && head !== 'id') throw new DomainError(`Invalid field ${model}.${head} in leaf ('${path}')`);
      const value = readField(model, record as Stored, head!);
      if (rest.length === 0 || def?.type !== 'many2one') return value;
      const related = Array.isArray(value) ? get(def.relation, value[0] as number) : undefined;
      return related ? pathReader(def.relation)(related, rest.join('.')) : false;
    };
  }

  function assertFields(model: string, values: OdooValues) {
    const def = modelOf(model);
    for (const field of Object.keys(values))
      if (!def.fields[field])
        throw new OdooFault('builtins.ValueError', `Invalid field '${field}' on model '${model}'`);
  }

  /** Applies x2many commands: (0, 0, vals) create, (1, id, vals) update, (2, id) delete, (6, 0, ids) set. */
  function applyLines(model: string, id: number, values: OdooValues) {
    const def = modelOf(model);
    for (const [field, value] of Object.entries(values)) {
      const fieldDef = def.fields[field];
      if (fieldDef?.type !== 'one2many' || !Array.isArray(value)) continue;
      for (const command of value.filter(isCommand)) {
        const [code, lineId, lineValues] = command;
        const parent = fieldDef.via ? get(model, id)?.[fieldDef.via] : id;
        if (code === 0)
          create(fieldDef.relation, { ...(lineValues as OdooValues), [fieldDef.inverse]: parent });
        else if (code === 1) write(fieldDef.relation, [lineId], lineValues as OdooValues);
        else if (code === 2) tableOf(fieldDef.relation).delete(lineId);
      }
    }
  }

  function store(model: string, values: OdooValues): OdooValues {
    const def = modelOf(model);
    const plain: OdooValues = {};
    for (const [field, value] of Object.entries(values)) {
      const type = def.fields[field]?.type;
      if (type === 'one2many') continue;
      if (type === 'many2many' && Array.isArray(value))
        plain[field] = value.flatMap((entry) =>
          isCommand(entry) && entry[0] === 6
            ? (entry[2] as number[])
            : typeof entry === 'number'
              ? [entry]
              : [],
        );
      else plain[field] = value;
    }
    return plain;
  }

  function create(model: string, given: OdooValues): number {
    assertFields(model, given);
    const values = withDefaults({ records: (name) => tableOf(name).values() }, model, given);
    const def = modelOf(model);
    const missing = Object.entries(def.required).find(
      ([field]) => values[field] === undefined || values[field] === false,
    );
    if (missing)
      throw new OdooFault(
        'odoo.exceptions.ValidationError',
        `The operation cannot be completed:\n- Create/update: a mandatory field is not set.\n- Delete: another model requires the record being deleted. If possible, archive it instead.\n\nModel: ${def.description} (${model})\nField: ${missing[1]} (${missing[0]})\n`,
      );
    const id = nextId++;
    const now = odooNow();
    tableOf(model).set(id, { active: true, ...store(model, values), id, create_date: now, write_date: now });
    applyLines(model, id, values);
    return id;
  }

  function write(model: string, ids: number[], values: OdooValues): true {
    assertFields(model, values);
    const table = tableOf(model);
    const missing = ids.filter((id) => !table.has(id));
    if (missing.length > 0)
      throw new OdooFault(
        'odoo.exceptions.MissingError',
        `Record does not exist or has been deleted.\n(Record: ${model}(${missing.join(', ')},), User: 2)`,
      );
    for (const id of ids) {
      Object.assign(table.get(id)!, store(model, values), { write_date: odooNow() });
      applyLines(model, id, values);
    }
    return true;
  }

  function unlink(model: string, ids: number[]): true {
    const table = tableOf(model);
    for (const id of ids) table.delete(id);
    return true;
  }

  function search(
    model: string,
    domain: Domain,
    options: { order?: string; limit?: number; offset?: number; activeTest?: boolean },
  ): Stored[] {
    const reader = pathReader(model);
    const hasActive = 'active' in modelOf(model).fields;
    let rows = [...tableOf(model).values()].filter(
      (record) =>
        (!hasActive || options.activeTest === false || record.active !== false) &&
        matchesDomain(record, domain, reader),
    );
    const order = (options.order ?? 'id asc').split(',').map((part) => part.trim().split(/\s+/));
    rows.sort((a, b) => {
      for (const [field, direction] of order) {
        const [x, y] = [a[field!], b[field!]] as Array<string | number>;
        if (x !== y) return (x < y ? -1 : 1) * (direction?.toLowerCase() === 'desc' ? -1 : 1);
      }
      return 0;
    });
    rows = rows.slice(options.offset ?? 0);
    return options.limit ? rows.slice(0, options.limit) : rows;
  }

  function read(model: string, record: Stored, fields: string[] | undefined): OdooValues {
    const names = fields && fields.length > 0 ? fields : Object.keys(modelOf(model).fields);
    assertFields(model, Object.fromEntries(names.map((name) => [name, true])));
    return Object.fromEntries([
      ['id', record.id],
      ...names.map((name) => [name, readField(model, record, name)]),
    ]);
  }

  /** Moves every record's write_date back, as if the data had been entered `seconds` ago. */
  function backdate(seconds: number) {
    const shift = (stamp: unknown) =>
      typeof stamp === 'string'
        ? odooNow(new Date(Date.parse(`${stamp.replace(' ', 'T')}Z`) - seconds * 1000))
        : stamp;
    for (const table of tables.values())
      for (const record of table.values())
        Object.assign(record, {
          write_date: shift(record.write_date),
          create_date: shift(record.create_date),
        });
  }

  return { modelOf, create, write, unlink, search, read, get, tableOf, backdate };
}

export type OdooDatabase = ReturnType<typeof createOdooDatabase>;
