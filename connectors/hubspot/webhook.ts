import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { ChangeEvent, ConnectorContext, WebhookRequest } from '../../core/connector/types.ts';
import { HubError, isHubError, parseOrThrow } from '../../core/errors/index.ts';
import type { Logger } from '../../core/log/index.ts';
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

const idSchema = z.union([z.number(), z.string()]).transform(String);

/** What every event carries; the rest depends on its subscription type. */
const eventSchema = z.looseObject({
  eventId: z.union([z.number(), z.string()]),
  subscriptionId: z.union([z.number(), z.string()]),
  portalId: z.union([z.number(), z.string()]),
  occurredAt: z.number(),
  subscriptionType: z.string(),
});
const objectEventSchema = eventSchema.extend({ objectId: idSchema });
const mergeEventSchema = eventSchema.extend({
  primaryObjectId: idSchema,
  mergedObjectIds: z.array(idSchema),
});
const associationEventSchema = eventSchema.extend({ fromObjectId: idSchema });

type HubspotEvent = z.output<typeof eventSchema>;
/** `suffix` tells apart the eventIds of the several changes one event stands for. */
type Change = Pick<ChangeEvent, 'externalId' | 'action'> & { suffix?: string };

/**
 * The object changes one event stands for. A merge deletes the objects merged away and changes
 * the one they were merged into; an association change is a change of the subscribed object, on
 * the `from` side (deals carry their company and line items); a GDPR deletion is a deletion.
 */
function changesOf(event: HubspotEvent, change: string | undefined): Change[] {
  const what = `HubSpot webhook event ${event.eventId}`;
  if (change === 'merge') {
    const merge = parseOrThrow(mergeEventSchema, event, { what });
    return [
      ...merge.mergedObjectIds.map(
        (id): Change => ({ externalId: id, action: 'delete', suffix: `merged:${id}` }),
      ),
      { externalId: merge.primaryObjectId, action: 'upsert' },
    ];
  }
  if (change === 'associationChange') {
    return [
      { externalId: parseOrThrow(associationEventSchema, event, { what }).fromObjectId, action: 'upsert' },
    ];
  }
  const { objectId } = parseOrThrow(objectEventSchema, event, { what });
  const deleted = change === 'deletion' || change === 'privacyDeletion';
  return [{ externalId: objectId, action: deleted ? 'delete' : 'upsert' }];
}

/** One event's changes, or none (logged) when it is malformed or names no stream of this connector. */
function parseEvent(raw: unknown, index: number, logger: Logger): ChangeEvent[] {
  try {
    const event = parseOrThrow(eventSchema, raw, { what: `HubSpot webhook event ${index}` });
    const [object, change] = event.subscriptionType.split('.');
    const stream = streamBySubscriptionObject[object ?? ''];
    if (!stream) {
      logger.info('hubspot webhook event skipped: no stream for its object', {
        eventId: event.eventId,
        subscriptionType: event.subscriptionType,
      });
      return [];
    }
    // HubSpot's eventId alone is not guaranteed unique; with the subscription and portal it is.
    const eventId = `${event.portalId}:${event.subscriptionId}:${event.eventId}`;
    return changesOf(event, change).map(({ suffix, ...rest }) => ({
      ...rest,
      eventId: suffix ? `${eventId}:${suffix}` : eventId,
      stream: stream.spec.name,
      occurredAt: new Date(event.occurredAt).toISOString(),
    }));
  } catch (error) {
    if (!isHubError(error)) throw error;
    logger.warn('hubspot webhook event skipped: malformed', { index, error: error.message });
    return [];
  }
}

/** Each event stands alone: one HubSpot retries in vain must not take the delivery's others with it. */
export function parseEvents(body: unknown, logger: Logger): ChangeEvent[] {
  const events = parseOrThrow(z.array(z.unknown()), body, { what: 'HubSpot webhook payload' });
  return events.flatMap((event, index) => parseEvent(event, index, logger));
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
  return parseEvents(request.body, ctx.logger);
}
