import { z } from 'zod';
import { parseOrThrow } from '../../core/errors/index.ts';
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
 * An amendment replaces a submitted document, so it is submitted too (unless the mapped record
 * sets docstatus itself): docstatus 1 makes Frappe's insert, or its save of a draft, submit in
 * the same call.
 */
const submitted = (changes: Record<string, unknown>) => ({ docstatus: 1, ...changes });

/**
 * A submitted document is never edited: it is cancelled (frappe.client.cancel) and a copy with the
 * changes is created with amended_from pointing at it, as the Amend button does, and submitted.
 * @see https://docs.frappe.io/erpnext/user/manual/en/amend-cancelled-document
 */
export async function amendDocument(
  client: ErpnextClient,
  doctype: string,
  original: FrappeDoc,
  changes: Record<string, unknown>,
): Promise<FrappeDoc> {
  await client.callMethod('frappe.client.cancel', { doctype, name: original.name });
  return createAmendment(client, doctype, original, changes);
}

/**
 * The submitted copy that replaces a cancelled document: its fields, the changes, amended_from
 * its name. Also finishes an amend whose copy failed after the cancel (two separate calls).
 */
export async function createAmendment(
  client: ErpnextClient,
  doctype: string,
  cancelled: FrappeDoc,
  changes: Record<string, unknown>,
): Promise<FrappeDoc> {
  const copy = withoutSystemFields(cancelled) as Record<string, unknown>;
  return client.create(doctype, { ...copy, ...submitted(changes), amended_from: cancelled.name });
}

/**
 * A draft amendment the hub's user saved behind a cancelled document is an amend stopped before
 * its copy was submitted: it is finished with the changes and submitted in one save, never copied
 * a second time. (A draft a person saved is not the hub's to submit.)
 */
export async function finishAmendment(
  client: ErpnextClient,
  doctype: string,
  draftName: string,
  changes: Record<string, unknown>,
): Promise<FrappeDoc> {
  return client.update(doctype, draftName, submitted(changes));
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

const amendmentRowSchema = z.looseObject({ name: z.string(), amended_from: z.string() });

/**
 * The amendments of those of the cancelled documents `names` that were amended (original name →
 * amendment name), in one list call. Whatever the amendment became (a draft, submitted, cancelled
 * and maybe amended in turn), it took the original's place.
 */
export async function amendmentsOf(
  client: ErpnextClient,
  doctype: string,
  names: string[],
): Promise<Map<string, string>> {
  if (names.length === 0) return new Map();
  const rows = await client.list(doctype, {
    fields: ['name', 'amended_from'],
    filters: [['amended_from', 'in', names]],
    // Frappe reads 0 as no limit.
    limitPageLength: 0,
  });
  const amendments = rows.map((row) =>
    parseOrThrow(amendmentRowSchema, row, { what: `ERPNext ${doctype} ${row.name} amended_from` }),
  );
  return new Map(amendments.map((row) => [row.amended_from, row.name]));
}
