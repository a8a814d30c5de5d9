import { AxiosError } from 'axios';
import { z } from 'zod';
import { HubError } from '../../core/errors/index.ts';
import { classifyStatus, parseRetryAfter } from '../../core/http/index.ts';

/**
 * Frappe's error body: `exc_type` is the exception class, `exception` its "module.Class: text",
 * `_server_messages` a JSON string holding a list of JSON strings, each {"message", "title", ...}
 * and `exc` a JSON list of tracebacks (kept out of messages).
 * @see https://docs.frappe.io/framework/user/en/api/rest
 * @see https://github.com/frappe/frappe/blob/develop/frappe/exceptions.py
 */
const frappeErrorSchema = z.looseObject({
  exc_type: z.string(),
  exception: z.string().optional(),
  _server_messages: z.string().optional(),
});
type FrappeError = z.infer<typeof frappeErrorSchema>;

const kinds: Record<string, { kind: HubError['kind']; code: string }> = {
  DuplicateEntryError: { kind: 'conflict', code: 'erpnext_duplicate_entry' },
  UniqueValidationError: { kind: 'conflict', code: 'erpnext_duplicate_entry' },
  // Another save came between loading the document and saving it: sent again, it is loaded afresh.
  TimestampMismatchError: { kind: 'transient', code: 'erpnext_timestamp_mismatch' },
  DoesNotExistError: { kind: 'not_found', code: 'erpnext_not_found' },
  AuthenticationError: { kind: 'auth', code: 'erpnext_authentication_failed' },
  SessionExpired: { kind: 'auth', code: 'erpnext_authentication_failed' },
  InvalidKeyError: { kind: 'auth', code: 'erpnext_authentication_failed' },
  PermissionError: { kind: 'auth', code: 'erpnext_permission_denied' },
  CSRFTokenError: { kind: 'auth', code: 'erpnext_authentication_failed' },
  InvalidAuthorizationHeader: { kind: 'auth', code: 'erpnext_authentication_failed' },
  InvalidAuthorizationPrefix: { kind: 'auth', code: 'erpnext_authentication_failed' },
  InvalidAuthorizationToken: { kind: 'auth', code: 'erpnext_authentication_failed' },
  MandatoryError: { kind: 'invalid_data', code: 'erpnext_mandatory_missing' },
  LinkValidationError: { kind: 'invalid_data', code: 'erpnext_link_invalid' },
  ValidationError: { kind: 'invalid_data', code: 'erpnext_validation_error' },
  CharacterLengthExceededError: { kind: 'invalid_data', code: 'erpnext_value_too_large' },
  RateLimitExceededError: { kind: 'rate_limited', code: 'erpnext_rate_limited' },
  TooManyRequestsError: { kind: 'rate_limited', code: 'erpnext_rate_limited' },
  QueryDeadlockError: { kind: 'transient', code: 'erpnext_deadlock' },
  QueryTimeoutError: { kind: 'transient', code: 'erpnext_query_timeout' },
  // A background job holds the document; it is free again once the job ends.
  DocumentLockedError: { kind: 'transient', code: 'erpnext_document_locked' },
};

const stripTags = (text: string) => text.replace(/<[^>]+>/g, '').trim();

/** The user-facing text: the server messages when there are any, else the exception line. */
export function messageOf(body: FrappeError): string {
  if (body._server_messages) {
    try {
      const messages = (JSON.parse(body._server_messages) as string[]).map((entry) => {
        const parsed = JSON.parse(entry) as { message?: string } | string;
        return stripTags(typeof parsed === 'string' ? parsed : (parsed.message ?? ''));
      });
      const text = messages.filter(Boolean).join(' ');
      if (text) return text;
    } catch {
      // Not the documented shape: fall back to the exception line below.
    }
  }
  return body.exception?.replace(/^[\w.]+(: |$)/, '') || body.exc_type;
}

/** MandatoryError names the fields after the document: "[Sales Order, new-1]: customer, items". */
function fieldPathOf(body: FrappeError): string | undefined {
  if (body.exc_type !== 'MandatoryError' || !body.exception) return undefined;
  const fields = /\]: ([a-z0-9_]+(?:, [a-z0-9_]+)*)/.exec(body.exception)?.[1];
  return fields?.split(', ').join(',');
}

export function classifyErpnextError(error: unknown): HubError | undefined {
  if (!(error instanceof AxiosError) || !error.response) return undefined;
  const parsed = frappeErrorSchema.safeParse(error.response.data);
  if (!parsed.success) return undefined;
  const body = parsed.data;
  const status = error.response.status;
  // An exception class not listed here: its HTTP status (Frappe's http_status_code) says the kind.
  const rule = kinds[body.exc_type] ?? {
    kind: classifyStatus(status),
    code: status >= 500 ? 'erpnext_server_error' : 'erpnext_error',
  };
  return new HubError(rule.kind, rule.code, messageOf(body), {
    fieldPath: fieldPathOf(body),
    retryAfterMs: status === 429 ? parseRetryAfter(error.response.headers?.['retry-after']) : undefined,
    details: { status, excType: body.exc_type },
    cause: error,
  });
}
