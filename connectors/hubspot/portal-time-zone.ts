import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { ConnectorContext } from '../../core/connector/types.ts';
import { isHubError, parseOrThrow } from '../../core/errors/index.ts';
import type { Logger } from '../../core/log/index.ts';
import { assertTimeZone, formatInZone, parseDate } from '../../core/mapping/parse-date.ts';
import type { HubspotClient } from './client.ts';
import type { HubspotConfig } from './config.ts';

/**
 * HubSpot keeps datetimes in UTC and shows them in the portal's time zone (Settings > Account
 * defaults): a deal closing at 23:30 in Chicago is the next day in UTC. That zone comes from the
 * account details, which an app without the scope to read them may not ask for: its days are
 * then taken in UTC, with a warning.
 * @see https://developers.hubspot.com/docs/api/settings/account-information-api
 */
export const fallbackTimeZone = 'UTC';

/** How long the connection keeps the zone it was given: an admin may change the portal's zone. */
export const portalTimeZoneLifetimeMs = 3_600_000;

const accountDetailsSchema = z.looseObject({ timeZone: z.string().min(1) });

/** The zone, and whether HubSpot named it: a fallback is asked for again by the next job. */
type Answer = { timeZone: string; named: boolean };

async function askPortalTimeZone(client: HubspotClient, logger: Logger): Promise<Answer> {
  let details: unknown;
  try {
    details = await client.send<unknown>(
      { method: 'GET', url: '/account-info/v3/details' },
      'Read account details',
    );
  } catch (error) {
    if (!isHubError(error) || error.details.status !== 403) throw error;
    logger.warn(
      `HubSpot refused to give the account's time zone (${error.message}); deal close dates are taken as days in ${fallbackTimeZone} until the app may read the account details`,
    );
    return { timeZone: fallbackTimeZone, named: false };
  }
  const { timeZone } = parseOrThrow(accountDetailsSchema, details, { what: 'HubSpot account details' });
  try {
    assertTimeZone(timeZone);
  } catch {
    logger.warn(
      `HubSpot account details name the time zone "${timeZone}", which this hub does not know; deal close dates are taken as days in ${fallbackTimeZone}`,
    );
    return { timeZone: fallbackTimeZone, named: false };
  }
  return { timeZone, named: true };
}

const zoneKey = 'hubspot.portalTimeZone';
const storedZoneSchema = z.object({ timeZone: z.string(), askedAt: z.number(), portal: z.string() });

/** The portal the connection reaches: another base URL or sign-in may reach another portal. */
const portalOf = (config: HubspotConfig) =>
  createHash('sha256')
    .update(JSON.stringify([config.baseUrl, config.auth]))
    .digest('base64url')
    .slice(0, 24);

async function storedZone(ctx: ConnectorContext<HubspotConfig>, portal: string, now: number) {
  const stored = storedZoneSchema.safeParse(await ctx.state.get(zoneKey));
  if (!stored.success || stored.data.portal !== portal) return undefined;
  const age = now - stored.data.askedAt;
  // A time from the future (another worker's clock) is no reason to keep the zone longer.
  return age >= 0 && age < portalTimeZoneLifetimeMs ? stored.data.timeZone : undefined;
}

async function readPortalTimeZone(
  ctx: ConnectorContext<HubspotConfig>,
  client: HubspotClient,
  now: () => number,
): Promise<string> {
  const portal = portalOf(ctx.config);
  const askedAt = now();
  const kept = await storedZone(ctx, portal, askedAt);
  if (kept !== undefined) return kept;
  const { timeZone, named } = await askPortalTimeZone(client, ctx.logger);
  if (named) await ctx.state.set(zoneKey, { timeZone, askedAt, portal });
  return timeZone;
}

/**
 * The portal's time zone, asked for at the first call and kept for the read or write that made
 * it. The connection keeps a zone HubSpot named for an hour, for its next jobs.
 */
export function portalTimeZone(
  ctx: ConnectorContext<HubspotConfig>,
  client: HubspotClient,
  now: () => number = Date.now,
): () => Promise<string> {
  let zone: Promise<string> | undefined;
  return () => {
    zone ??= readPortalTimeZone(ctx, client, now).catch((error: unknown) => {
      zone = undefined;
      throw error;
    });
    return zone;
  };
}

export function isCalendarDay(value: unknown): value is string {
  return typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value);
}

const dayInZone = (epochMs: number, timeZone: string) => formatInZone(epochMs, timeZone).slice(0, 10);

/**
 * A calendar day (2024-06-30) as the first instant that is on that day in `timeZone`; any other
 * value as it is. Where summer time starts at midnight (Santiago, Havana, Asuncion, the Azores),
 * 00:00 does not exist and parseDate puts it before the change, on the day before: the day then
 * starts at the change, found by halving the two days that follow. A day a zone skipped outright
 * (Pacific/Apia, 2011-12-30) becomes the start of the next one.
 */
export function startOfPortalDay(value: unknown, timeZone: string): unknown {
  if (!isCalendarDay(value)) return value;
  const midnight = Date.parse(parseDate(value, timeZone) as string);
  if (dayInZone(midnight, timeZone) >= value) return new Date(midnight).toISOString();
  let before = midnight;
  let onTheDay = midnight + 2 * 86_400_000;
  while (onTheDay - before > 1) {
    const middle = Math.floor((before + onTheDay) / 2);
    if (dayInZone(middle, timeZone) >= value) onTheDay = middle;
    else before = middle;
  }
  return new Date(onTheDay).toISOString();
}
