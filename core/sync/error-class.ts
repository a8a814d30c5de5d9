import type { HubError } from '../errors/index.ts';
import { CIRCUIT_OPEN } from '../queue/retry-policy.ts';

/** What the admin should do about a failure, as one word. */
export const errorClasses = [
  'value',
  'missing_reference',
  'connection',
  'authentication',
  'rate_limit',
  'too_large',
  'parse',
  'duplicate',
  'intermittent',
] as const;
export type ErrorClass = (typeof errorClasses)[number];

export const errorClassAdvice: Record<ErrorClass, string> = {
  value: 'Fix the data in the source system or the mapping, then replay.',
  missing_reference:
    'The referenced record has not arrived; sync it first or fix the reference, then replay.',
  connection: 'The target could not be reached or is misconfigured; check the connection, then replay.',
  authentication: 'Credentials were refused; re-authorize the connection, then replay.',
  rate_limit: 'The system refused more calls for now; it will be retried, or replay later.',
  too_large: 'The record exceeds a size limit of the target; shorten it, then replay.',
  parse: 'The payload could not be read; check the source format, then replay.',
  duplicate: 'The target already holds a record with this key; link or merge it, then replay.',
  intermittent:
    'A temporary or unexpected failure: a temporary one is retried and resolves itself when a later attempt succeeds; one still open after that was not temporary: read its message, then replay.',
};

export function classifyFailure(error: HubError): ErrorClass {
  const code = error.code;
  if (code === 'missing_reference' || code === 'pending_reference_timeout') return 'missing_reference';
  if (code === 'http_413' || code.includes('too_large') || code === 'string_too_long') return 'too_large';
  if (code.includes('parse') || code === 'invalid_json') return 'parse';
  if (code.includes('duplicate') || code === 'xref_conflict') return 'duplicate';
  switch (error.kind) {
    case 'invalid_data':
      return 'value';
    case 'auth':
      return 'authentication';
    case 'rate_limited':
      return 'rate_limit';
    case 'conflict':
      return 'duplicate';
    case 'not_found':
      return 'missing_reference';
    case 'config':
      return 'connection';
    case 'transient':
      return code === 'network_error' || code === 'timeout' || code === CIRCUIT_OPEN
        ? 'connection'
        : 'intermittent';
    default:
      return 'intermittent';
  }
}
