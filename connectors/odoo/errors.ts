import { AxiosError } from 'axios';
import { z } from 'zod';
import { HubError } from '../../core/errors/index.ts';

/**
 * Odoo answers faults with HTTP 200 and a JSON-RPC `error` object whose `data.name` is the Python
 * exception class; only transport problems give HTTP 400 with an HTML body.
 * @see https://www.odoo.com/documentation/18.0/developer/reference/external_api.html
 * @see https://www.odoo.com/documentation/18.0/developer/reference/backend/orm.html#exceptions
 */
export const odooFaultSchema = z.object({
  code: z.number(),
  message: z.string(),
  data: z.looseObject({
    name: z.string(),
    message: z.string(),
    /** A server traceback with server paths: logged at most, never shown to users. */
    debug: z.string().optional(),
    arguments: z.array(z.unknown()).optional(),
  }),
});
export type OdooFault = z.infer<typeof odooFaultSchema>;

type Rule = { kind: HubError['kind']; code: string; test?: RegExp };

// Ordered: the first rule whose name matches (and whose message test passes, if any) wins.
const rules: Array<[string, Rule]> = [
  ['odoo.exceptions.AccessDenied', { kind: 'auth', code: 'odoo_access_denied' }],
  ['odoo.exceptions.AccessError', { kind: 'auth', code: 'odoo_access_error' }],
  ['odoo.exceptions.MissingError', { kind: 'not_found', code: 'odoo_missing_record' }],
  ['odoo.exceptions.ValidationError', { kind: 'invalid_data', code: 'odoo_validation_error' }],
  // "Object x.y doesn't exist": the module that owns the model is not installed.
  [
    'odoo.exceptions.UserError',
    { kind: 'config', code: 'odoo_unknown_model', test: /^Object \S+ doesn't exist/ },
  ],
  ['odoo.exceptions.UserError', { kind: 'invalid_data', code: 'odoo_user_error' }],
  ['odoo.exceptions.RedirectWarning', { kind: 'invalid_data', code: 'odoo_user_error' }],
  ['builtins.ValueError', { kind: 'invalid_data', code: 'odoo_invalid_field', test: /^Invalid field / }],
  ['builtins.ValueError', { kind: 'invalid_data', code: 'odoo_invalid_value' }],
  [
    'psycopg2.OperationalError',
    { kind: 'config', code: 'odoo_unknown_database', test: /database "[^"]*" does not exist/ },
  ],
  ['psycopg2.OperationalError', { kind: 'transient', code: 'odoo_database_unavailable' }],
  // Lock and concurrency faults that Odoo hands back once its own retries ran out: try again later.
  ['psycopg2.errors.SerializationFailure', { kind: 'transient', code: 'odoo_concurrent_update' }],
  ['psycopg2.errors.LockNotAvailable', { kind: 'transient', code: 'odoo_concurrent_update' }],
  ['psycopg2.errors.DeadlockDetected', { kind: 'transient', code: 'odoo_concurrent_update' }],
  ['odoo.exceptions.ConcurrencyError', { kind: 'transient', code: 'odoo_concurrent_update' }],
  ['psycopg2.IntegrityError', { kind: 'invalid_data', code: 'odoo_constraint_violation' }],
];

/**
 * The field named in the message, when Odoo gives one only in prose: "Field: Customer (partner_id)",
 * "Invalid field 'x' on model ...", or "Wrong value for res.partner.company_type: 'x'" (a value a
 * selection or many2one field refuses; the field follows the model's dotted name).
 */
function fieldPathOf(message: string): string | undefined {
  const required = /\nField: [^\n(]*\(([a-z0-9_]+)\)/.exec(message);
  if (required) return required[1];
  const refused = /^Wrong value for [a-z0-9_.]+\.([a-z0-9_]+): /i.exec(message);
  if (refused) return refused[1];
  return /^Invalid field '([a-z0-9_.]+)'/i.exec(message)?.[1];
}

export function classifyOdooFault(fault: OdooFault, what: string): HubError {
  const { name, message, debug } = fault.data;
  const match = rules.find(
    ([ruleName, rule]) => ruleName === name && (!rule.test || rule.test.test(message)),
  );
  // Protocol faults (TypeError, KeyError, IndexError, Exception) mean the hub sent a bad call.
  const rule = match?.[1] ?? { kind: 'system' as const, code: 'odoo_server_error' };
  return new HubError(rule.kind, rule.code, `${what}: ${message.trim()}`, {
    fieldPath: fieldPathOf(message),
    details: { odooException: name, ...(debug ? { debug } : {}) },
  });
}

/** HTTP-level failures: a 400 is Odoo refusing the envelope (a hub bug, never retried). */
export function classifyOdooHttpError(error: unknown): HubError | undefined {
  if (!(error instanceof AxiosError) || error.response?.status !== 400) return undefined;
  const body = typeof error.response.data === 'string' ? error.response.data.slice(0, 200) : '';
  return new HubError('system', 'odoo_bad_request', `Odoo refused the JSON-RPC request (HTTP 400): ${body}`, {
    details: { status: 400 },
    cause: error,
  });
}
