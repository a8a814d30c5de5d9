import type { ErpnextClient, FrappeDoc } from './client.ts';

// Set by Frappe on save; an amendment gets its own.
const systemFields = new Set([
  'name',
  'owner',
  'creation',
  'modified',
  'modified_by',
  'docstatus',
  'idx',
  'amended_from',
  'parent',
  'parentfield',
  'parenttype',
  'doctype',
  '__last_sync_on',
]);

function withoutSystemFields(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutSystemFields);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key]) => !systemFields.has(key))
      .map(([key, inner]) => [key, withoutSystemFields(inner)]),
  );
}

/**
 * A submitted document is never edited: it is cancelled (frappe.client.cancel) and a copy with the
 * changes is created with amended_from pointing at it, as the Amend button does. The copy is
 * created with docstatus 1, which Frappe's insert submits in the same call, so the order stays
 * submitted (unless the mapped record sets docstatus itself).
 * @see https://docs.frappe.io/erpnext/user/manual/en/amend-cancelled-document
 */
export async function amendDocument(
  client: ErpnextClient,
  doctype: string,
  submitted: FrappeDoc,
  changes: Record<string, unknown>,
): Promise<FrappeDoc> {
  await client.callMethod('frappe.client.cancel', { doctype, name: submitted.name });
  return createAmendment(client, doctype, submitted, { docstatus: 1, ...changes });
}

/** The copy that replaces a cancelled document: its fields, the changes, amended_from its name. */
export async function createAmendment(
  client: ErpnextClient,
  doctype: string,
  cancelled: FrappeDoc,
  changes: Record<string, unknown>,
): Promise<FrappeDoc> {
  const copy = withoutSystemFields(cancelled) as Record<string, unknown>;
  return client.create(doctype, { ...copy, ...changes, amended_from: cancelled.name });
}

/**
 * The amendment of a cancelled document, if someone (or an earlier try) made one. It may itself be
 * cancelled and amended in turn; Frappe names it after its original, so there is at most one.
 */
export async function findAmendment(
  client: ErpnextClient,
  doctype: string,
  name: string,
): Promise<FrappeDoc | undefined> {
  const [amendment] = await client.list(doctype, {
    fields: ['name', 'docstatus'],
    filters: [['amended_from', '=', name]],
    limitPageLength: 1,
  });
  return amendment;
}
