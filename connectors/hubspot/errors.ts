import { AxiosError } from 'axios';
import { z } from 'zod';
import { HubError } from '../../core/errors/index.ts';
import { parseRetryAfter } from '../../core/http/index.ts';

/**
 * HubSpot error bodies: `{ status, message, category, correlationId, errors?, policyName? }`.
 * @see https://developers.hubspot.com/docs/api/error-handling
 * @see https://developers.hubspot.com/docs/guides/apps/api-usage/usage-details
 */
interface HubspotErrorBody {
  status?: string;
  message?: string;
  category?: string;
  errorType?: string;
  policyName?: string;
}

const hourMs = 3_600_000;

/** How long a 429 asks us to wait: Retry-After, else the policy's own window. */
export function rateLimitWait(
  headers: Record<string, unknown>,
  body: HubspotErrorBody | undefined,
  now = Date.now(),
): number {
  const retryAfter = parseRetryAfter(headers['retry-after'], now);
  if (retryAfter !== undefined) return retryAfter;
  if (body?.policyName === 'DAILY') return hourMs;
  const interval = Number(headers['x-hubspot-ratelimit-interval-milliseconds']);
  return Number.isFinite(interval) && interval > 0 ? interval : 1_000;
}

const asPropertyPaths = (names: string[]) =>
  names.length === 0 ? undefined : [...new Set(names.map((name) => `properties.${name}`))].join(',');

/** The entries of "Property values were not valid: [...]", one per refused property. */
const invalidPropertiesSchema = z.array(z.looseObject({ name: z.string() }));

/** A VALIDATION_ERROR's message may list the refused properties as JSON. */
function propertiesInMessage(message: string | undefined): string[] {
  const list = message ? /not valid: (\[[\s\S]*\])\s*$/.exec(message)?.[1] : undefined;
  if (!list) return [];
  let entries: unknown;
  try {
    entries = JSON.parse(list);
  } catch {
    return [];
  }
  const parsed = invalidPropertiesSchema.safeParse(entries);
  return parsed.success ? parsed.data.map((entry) => entry.name) : [];
}

/** The properties a message lists ("Property values were not valid: [...]"), as field paths. */
export const propertiesPathInMessage = (message: string | undefined) =>
  asPropertyPaths(propertiesInMessage(message));

/** Error details as HubSpot documents them: `errors: [{ message, in: "name" }]`, `in` naming the property. */
const errorDetailsSchema = z.object({ errors: z.array(z.looseObject({ in: z.string().optional() })) });

/** The properties a refusal names: in its error details, else inside its message. */
function refusedPropertiesPath(data: unknown, message: string | undefined): string | undefined {
  const details = errorDetailsSchema.safeParse(data);
  const named = details.success
    ? details.data.errors.flatMap((detail) => (detail.in ? [detail.in] : []))
    : [];
  return named.length > 0 ? asPropertyPaths(named) : propertiesPathInMessage(message);
}

export function classifyHubspotError(error: unknown): HubError | undefined {
  if (!(error instanceof AxiosError) || !error.response) return undefined;
  const { status, headers, data } = error.response;
  const body = (typeof data === 'object' && data !== null ? data : undefined) as HubspotErrorBody | undefined;
  const message = `HubSpot ${body?.category ?? status}: ${body?.message ?? error.message}`;
  const details = { status, body: data };
  if (
    body?.status === 'BAD_REFRESH_TOKEN' ||
    (body as { error?: string } | undefined)?.error === 'invalid_grant'
  ) {
    return new HubError(
      'auth',
      'reauthorization_required',
      `HubSpot refused the refresh token (${body?.message ?? 'invalid_grant'}); the connection must be authorized again`,
      { details },
    );
  }
  if (status === 429) {
    return new HubError(
      'rate_limited',
      `rate_limited_${(body?.policyName ?? 'unknown').toLowerCase()}`,
      message,
      {
        retryAfterMs: rateLimitWait(headers as Record<string, unknown>, body),
        details,
      },
    );
  }
  if (status === 401)
    return new HubError('auth', (body?.category ?? 'invalid_authentication').toLowerCase(), message, {
      details,
    });
  if (status === 403)
    return new HubError(
      'auth',
      body?.category === 'MISSING_SCOPES' ? 'missing_scopes' : 'forbidden',
      message,
      { details },
    );
  if (status === 409) return new HubError('conflict', 'conflict', message, { details });
  if (status === 404) return new HubError('not_found', 'object_not_found', message, { details });
  if (status >= 500) return new HubError('transient', `http_${status}`, message, { details });
  return new HubError('invalid_data', (body?.category ?? `http_${status}`).toLowerCase(), message, {
    fieldPath: refusedPropertiesPath(data, body?.message),
    details,
  });
}
