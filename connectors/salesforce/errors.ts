import type { WriteError } from '../../core/connector/types.ts';
import { HubError } from '../../core/errors/index.ts';
import { classifyHttpError, classifyStatus } from '../../core/http/index.ts';

/**
 * Salesforce error vocabulary.
 * REST: https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/errorcodes.htm
 * OAuth: https://help.salesforce.com/s/articleView?id=sf.remoteaccess_oauth_flow_errors.htm
 * Record status codes: https://developer.salesforce.com/docs/atlas.en-us.api.meta/api/sforce_api_calls_concepts_core_data_objects.htm#statuscode
 */
const transientCodes = new Set([
  'SERVER_UNAVAILABLE',
  'UNABLE_TO_LOCK_ROW',
  'QUERY_TIMEOUT',
  'TXN_SECURITY_END_SESSION',
  // An expired or released query cursor; the read starts its query again from the committed window.
  'INVALID_QUERY_LOCATOR',
]);
const configCodes = new Set(['INVALID_FIELD', 'INVALID_TYPE', 'MALFORMED_QUERY', 'API_DISABLED_FOR_ORG']);
const conflictCodes = new Set(['DUPLICATE_VALUE', 'DUPLICATES_DETECTED', 'DUPLICATE_EXTERNAL_ID']);
// INVALID_CROSS_REFERENCE_KEY: a lookup names an Id the org does not hold (never synced, or deleted there).
const notFoundCodes = new Set(['NOT_FOUND', 'ENTITY_IS_DELETED', 'INVALID_CROSS_REFERENCE_KEY']);
const authCodes = new Set(['INSUFFICIENT_ACCESS', 'INSUFFICIENT_ACCESS_OR_READONLY', 'INVALID_SESSION_ID']);

/** What jsforce throws: an Error whose `name`/`errorCode` carries the vendor code. */
interface VendorError {
  name?: string;
  errorCode?: string;
  message?: string;
  code?: string;
  data?: unknown;
}

export function isSessionExpired(error: unknown): boolean {
  return (error as VendorError | undefined)?.errorCode === 'INVALID_SESSION_ID';
}

/** A dead query locator stays dead: asking with it again is no use, only a new query helps. */
export function isLostQueryLocator(error: unknown): boolean {
  return (error as VendorError | undefined)?.errorCode === 'INVALID_QUERY_LOCATOR';
}

function kindOf(code: string): HubError['kind'] {
  if (transientCodes.has(code)) return 'transient';
  if (configCodes.has(code)) return 'config';
  if (conflictCodes.has(code)) return 'conflict';
  if (notFoundCodes.has(code)) return 'not_found';
  if (authCodes.has(code)) return 'auth';
  const status = /^ERROR_HTTP_(\d{3})$/.exec(code);
  return status ? classifyStatus(Number(status[1])) : 'invalid_data';
}

export function classifyOAuthError(name: string, message: string): HubError | undefined {
  if (name === 'invalid_grant') {
    return new HubError(
      'auth',
      'reauthorization_required',
      `Salesforce refused the credentials (${message || 'invalid_grant'}); the connection must be authorized again`,
    );
  }
  if (name === 'invalid_client_id' || name === 'invalid_client') {
    return new HubError(
      'config',
      'invalid_client',
      `Salesforce does not know this connected app: ${message}`,
      {
        fieldPath: 'auth.clientId',
      },
    );
  }
  if (['unsupported_grant_type', 'invalid_request', 'inactive_user', 'inactive_org'].includes(name)) {
    return new HubError('auth', name, `Salesforce refused the token request: ${message}`);
  }
  return undefined;
}

/** Long-running calls count toward the concurrency limit for about 20 seconds. */
const concurrentLimitWaitMs = 30_000;

/**
 * REQUEST_LIMIT_EXCEEDED names the limit in its message: "TotalRequests Limit exceeded." is the
 * daily allowance; "ConcurrentRequests ..." or "ConcurrentPerOrgLongTxn ..." clear once the org's
 * long-running calls finish.
 */
function requestLimitError(message: string, quotaRetryAfterMs: number): HubError {
  if (/^Concurrent/i.test(message.trim())) {
    return new HubError('rate_limited', 'concurrent_request_limit_exceeded', `Salesforce: ${message}`, {
      retryAfterMs: concurrentLimitWaitMs,
    });
  }
  return new HubError('rate_limited', 'request_limit_exceeded', `Salesforce: ${message}`, {
    retryAfterMs: quotaRetryAfterMs,
  });
}

export function classifySalesforceError(error: unknown, quotaRetryAfterMs: number): HubError {
  if (error instanceof HubError) return error;
  const vendor = (error ?? {}) as VendorError;
  const oauth = vendor.name ? classifyOAuthError(vendor.name, vendor.message ?? '') : undefined;
  if (oauth) return oauth;
  const code = vendor.errorCode ?? (vendor.name?.startsWith('ERROR_HTTP_') ? vendor.name : undefined);
  if (!code) return classifyHttpError(error, 'Salesforce');
  if (code === 'REQUEST_LIMIT_EXCEEDED') return requestLimitError(vendor.message ?? '', quotaRetryAfterMs);
  return new HubError(
    kindOf(code),
    code.toLowerCase(),
    `Salesforce ${code}: ${vendor.message ?? ''}`.trim(),
    {
      details: { vendor: vendor.data },
    },
  );
}

export interface RecordError {
  statusCode: string;
  message: string;
  fields?: string[];
}

/**
 * A trigger or flow that failed reports its own DML error inside CANNOT_INSERT_UPDATE_ACTIVATE_ENTITY
 * ("...; first error: UNABLE_TO_LOCK_ROW, ..."): a transient one there is transient for the record too.
 */
function recordErrorKind(error: RecordError): HubError['kind'] {
  if (error.statusCode === 'REQUEST_LIMIT_EXCEEDED') return 'rate_limited';
  const inner = /first error: ([A-Z_]+)/.exec(error.message)?.[1];
  if (error.statusCode === 'CANNOT_INSERT_UPDATE_ACTIVATE_ENTITY' && inner && transientCodes.has(inner))
    return 'transient';
  return kindOf(error.statusCode);
}

/** One record's failure in an sObject Collections or Bulk API result. */
export function toWriteError(errors: RecordError[]): WriteError {
  const first = errors[0] ?? { statusCode: 'UNKNOWN_EXCEPTION', message: 'Salesforce gave no reason' };
  const kind = recordErrorKind(first);
  const fields = errors.flatMap((error) => error.fields ?? []);
  return {
    kind: kind === 'config' ? 'invalid_data' : kind,
    code: first.statusCode.toLowerCase(),
    message: errors.map((error) => error.message).join('; '),
    ...(fields.length > 0 ? { fieldPath: fields.join(',') } : {}),
  };
}
