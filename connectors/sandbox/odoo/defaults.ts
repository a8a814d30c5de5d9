type Values = Record<string, unknown>;

/** What the sandbox database offers a model's defaults: the records already there. */
export interface DefaultsContext {
  records(model: string): Iterable<Values>;
}

/** The next name of an ir.sequence such as `WH/MO/%(5)d`: one past the highest name with the prefix. */
function nextInSequence(context: DefaultsContext, model: string, prefix: string): string {
  let highest = 0;
  for (const record of context.records(model)) {
    const name = record.name;
    if (typeof name !== 'string' || !name.startsWith(prefix)) continue;
    const number = Number(name.slice(prefix.length));
    if (Number.isInteger(number)) highest = Math.max(highest, number);
  }
  return `${prefix}${String(highest + 1).padStart(5, '0')}`;
}

/** The unit of measure a product is counted in, as a product's many2one stores it (an id). */
function productUnit(context: DefaultsContext, productId: unknown): unknown {
  for (const product of context.records('product.product'))
    if (product.id === productId) return product.uom_id ?? false;
  return false;
}

type FieldDefault = (context: DefaultsContext, values: Values) => unknown;

/**
 * Values Odoo's ORM fills in on create when the caller leaves them out (field defaults, the
 * model's sequence, computed fields stored at once). A record created through the API reads back
 * as it would from Odoo: a manufacturing order is a draft named WH/MO/00042, never a nameless one
 * without a state.
 */
const modelDefaults: Record<string, Record<string, FieldDefault>> = {
  'sale.order': {
    name: (context) => nextInSequence(context, 'sale.order', 'S'),
    state: () => 'draft',
  },
  'purchase.order': {
    name: (context) => nextInSequence(context, 'purchase.order', 'P'),
    state: () => 'draft',
  },
  'mrp.production': {
    name: (context) => nextInSequence(context, 'mrp.production', 'WH/MO/'),
    state: () => 'draft',
    priority: () => '0',
    product_uom_id: (context, values) => productUnit(context, values.product_id),
  },
};

/** `values` with the defaults of `model` for the fields it leaves out (a field set to false is set). */
export function withDefaults(context: DefaultsContext, model: string, values: Values): Values {
  const filled: Values = {};
  for (const [field, fill] of Object.entries(modelDefaults[model] ?? {}))
    if (!(field in values)) filled[field] = fill(context, values);
  return { ...filled, ...values };
}
