import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { ChangeEvent, ConnectorContext, WebhookRequest } from '../../core/connector/types.ts';
import { HubError, parseOrThrow } from '../../core/errors/index.ts';
import type { HubspotConfig } from './config.ts';
import { streamBySubscriptionObject } from './streams/crm-object.ts';

/**
 * Webhooks v3: X-HubSpot-Signature-v3 is base64(HMAC-SHA256(client secret, method + uri + body
 * + timestamp)); requests older than five minutes are refused against replays.
 * @see https://developers.hubspot.com/docs/api/webhooks/validating-requests
 * @see https://developers.hubspot.com/docs/api/webhooks#webhook-payloads
 */
export const maxAgeMs = 5 * 60_000;

// HubSpot signs the URI with these characters decoded.
const decodedInUri: Record<string, string> = {
  '%3A': ':',
  '%2F': '/',
  '%3F': '?',
  '%40': '@',
  '%21': '!',
  '%24': '$',
  '%27': "'",
  '%28': '(',
  '%29': ')',
  '%2A': '*',
  '%2C': ',',
  '%3B': ';',
};

function header(request: WebhookRequest, name: string): string | undefined {
  const value = request.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

function absoluteUri(request: WebhookRequest): string {
  const uri = request.url.startsWith('/')
    ? `https://${header(request, 'host') ?? ''}${request.url}`
    : request.url;
  return uri.replace(
    /%(3A|2F|3F|40|21|24|27|28|29|2A|2C|3B)/gi,
    (match) => decodedInUri[match.toUpperCase()],
  );
}

export function signRequest(
  secret: string,
  method: string,
  uri: string,
  body: string,
  timestamp: string,
): string {
  return createHmac('sha256', secret).update(`${method}${uri}${body}${timestamp}`, 'utf8').digest('base64');
}

export function verifySignature(secret: string, request: WebhookRequest, now = Date.now()): void {
  const signature = header(request, 'x-hubspot-signature-v3');
  const timestamp = header(request, 'x-hubspot-request-timestamp');
  if (!signature || !timestamp)
    throw new HubError(
      'auth',
      'signature_missing',
      'HubSpot webhook without X-HubSpot-Signature-v3 or X-HubSpot-Request-Timestamp',
    );
  if (!(Math.abs(now - Number(timestamp)) <= maxAgeMs))
    throw new HubError(
      'auth',
      'signature_expired',
      'HubSpot webhook timestamp is more than five minutes old',
    );
  const expected = Buffer.from(
    signRequest(
      secret,
      request.method.toUpperCase(),
      absoluteUri(request),
      request.rawBody.toString('utf8'),
      timestamp,
    ),
  );
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given))
    throw new HubError('auth', 'signature_invalid', 'HubSpot webhook signature does not match');
}

const eventSchema = z.looseObject({
  eventId: z.union([z.number(), z.string()]),
  subscriptionId: z.union([z.number(), z.string()]),
  portalId: z.union([z.number(), z.string()]),
  occurredAt: z.number(),
  subscriptionType: z.string(),
  objectId: z.union([z.number(), z.string()]),
});

/** HubSpot's eventId alone is not guaranteed unique; with the subscription and portal it is. */
export function parseEvents(body: unknown): ChangeEvent[] {
  const events = parseOrThrow(z.array(eventSchema), body, { what: 'HubSpot webhook payload' });
  return events.flatMap((event): ChangeEvent[] => {
    const [object, change] = event.subscriptionType.split('.');
    const stream = streamBySubscriptionObject[object];
    if (!stream) return [];
    return [
      {
        eventId: `${event.portalId}:${event.subscriptionId}:${event.eventId}`,
        stream: stream.spec.name,
        externalId: String(event.objectId),
        action: change === 'deletion' ? 'delete' : 'upsert',
        occurredAt: new Date(event.occurredAt).toISOString(),
      },
    ];
  });
}

export async function receiveWebhook(
  ctx: ConnectorContext<HubspotConfig>,
  request: WebhookRequest,
): Promise<ChangeEvent[]> {
  const { auth, webhookSecret } = ctx.config;
  const secret = webhookSecret ?? (auth.type === 'oauth' ? auth.clientSecret : undefined);
  if (!secret)
    throw new HubError(
      'config',
      'webhook_secret_missing',
      'Set the app client secret to receive HubSpot webhooks',
      { fieldPath: 'webhookSecret' },
    );
  verifySignature(secret, request);
  return parseEvents(request.body);
}
