import { HubError } from '../../core/errors/index.ts';

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const isCommand = (value: unknown) =>
  Array.isArray(value) && typeof value[0] === 'number' && value[0] >= 0 && value[0] <= 6;

/**
 * x2many values as Odoo write commands: a line object creates ([0, 0, vals]) or, with an id,
 * updates ([1, id, vals]); a list of ids replaces the set ([6, 0, ids]); commands pass through.
 * @see https://www.odoo.com/documentation/18.0/developer/reference/backend/orm.html#odoo.fields.Command
 */
function toX2many(value: unknown[], path: string): unknown[] {
  if (value.length === 0 || value.every(isCommand)) return value;
  if (value.every((entry) => typeof entry === 'number')) return [[6, 0, value]];
  return value.map((entry, index) => {
    if (!isPlainObject(entry)) {
      throw new HubError(
        'invalid_data',
        'odoo_bad_x2many',
        `${path}.${index}: expected a line object, an id or a command`,
        {
          fieldPath: `${path}.${index}`,
        },
      );
    }
    const { id, ...vals } = entry;
    const lineValues = toOdooValues(vals, `${path}.${index}`);
    return typeof id === 'number' ? [1, id, lineValues] : [0, 0, lineValues];
  });
}

// Ids resolved through the hub's cross-reference arrive as strings; Odoo's many2one fields
// (named *_id by convention) need the integer.
const isMany2oneId = (key: string, value: unknown) =>
  key.endsWith('_id') && typeof value === 'string' && /^\d+$/.test(value);

/**
 * A mapped record as Odoo `vals`: null becomes false (Odoo's empty value), a many2one read back
 * as [id, name] or given as a numeric string becomes its id, and lists of lines or ids become
 * x2many commands.
 */
export function toOdooValues(record: Record<string, unknown>, path = ''): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(record)) {
    if (value === undefined || key === 'id') continue;
    const fieldPath = path ? `${path}.${key}` : key;
    if (value === null) values[key] = false;
    else if (isMany2oneId(key, value)) values[key] = Number(value);
    else if (
      Array.isArray(value) &&
      value.length === 2 &&
      typeof value[0] === 'number' &&
      typeof value[1] === 'string'
    ) {
      values[key] = value[0];
    } else if (Array.isArray(value)) values[key] = toX2many(value, fieldPath);
    else if (isPlainObject(value)) {
      throw new HubError(
        'invalid_data',
        'odoo_bad_value',
        `${fieldPath}: Odoo fields take ids, lists or plain values, not objects`,
        {
          fieldPath,
        },
      );
    } else values[key] = value;
  }
  return values;
}
