import { type ErrorKind, HubError, type HubErrorOptions } from '../errors/index.ts';

/**
 * A 403: the caller is known but may not do this. The API's error handler answers the kind
 * 'forbidden' with 403; the shared error kinds do not list it because no connector raises it.
 */
export function accessDenied(code: string, message: string, options: HubErrorOptions = {}): HubError {
  return new HubError('forbidden' as ErrorKind, code, message, options);
}
