import { HubError } from '../errors/index.ts';

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    try {
      formatter = new Intl.DateTimeFormat('en-US', {
        timeZone,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      });
    } catch {
      throw new HubError('invalid_data', 'invalid_time_zone', `"${timeZone}" is not an IANA time zone`);
    }
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

export function assertTimeZone(timeZone: string): void {
  formatterFor(timeZone);
}

/** Offset of `timeZone` from UTC at instant `epochMs`, in minutes (Berlin in winter: 60). */
export function zoneOffsetMinutes(timeZone: string, epochMs: number): number {
  const parts: Record<string, number> = {};
  for (const part of formatterFor(timeZone).formatToParts(new Date(epochMs))) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  const asUtc = Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second);
  return Math.round((asUtc - Math.floor(epochMs / 1000) * 1000) / 60_000);
}

interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  ms: number;
  /** Explicit offset in minutes when the text carried one (Z, +02:00). */
  offset?: number;
}

const isoPattern =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;
const localPattern = /^(\d{1,2})([./])(\d{1,2})\2(\d{4})(?:[ T,]+(\d{1,2}):(\d{2})(?::(\d{2}))?)?$/;
const msJsonPattern = /^\/Date\((-?\d+)([+-]\d{4})?\)\/$/;

function parseOffset(text: string | undefined): number | undefined {
  if (!text) return undefined;
  if (text.toUpperCase() === 'Z') return 0;
  const digits = text.slice(1).replace(':', '');
  const minutes = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || 0);
  return text[0] === '-' ? -minutes : minutes;
}

function parseWallClock(text: string, order: 'DMY' | 'MDY'): WallClock | undefined {
  const iso = isoPattern.exec(text);
  if (iso) {
    const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '0', zone] = iso;
    const ms = Number(frac.padEnd(3, '0').slice(0, 3));
    const clock = { year: +y, month: +mo, day: +d, hour: +h, minute: +mi, second: +s, ms };
    return { ...clock, offset: parseOffset(zone) };
  }
  const local = localPattern.exec(text);
  if (local) {
    const [, first, separator, second, y, h = '0', mi = '0', s = '0'] = local;
    const dayFirst = separator === '.' || order === 'DMY';
    const day = Number(dayFirst ? first : second);
    const month = Number(dayFirst ? second : first);
    return { year: +y, month, day, hour: +h, minute: +mi, second: +s, ms: 0 };
  }
  return undefined;
}

function isRealClock(clock: WallClock): boolean {
  const date = new Date(Date.UTC(clock.year, clock.month - 1, clock.day));
  return (
    date.getUTCFullYear() === clock.year &&
    date.getUTCMonth() === clock.month - 1 &&
    date.getUTCDate() === clock.day &&
    clock.hour < 24 &&
    clock.minute < 60 &&
    clock.second < 60
  );
}

function wallClockToEpoch(clock: WallClock, timeZone: string): number {
  const asUtc = Date.UTC(
    clock.year,
    clock.month - 1,
    clock.day,
    clock.hour,
    clock.minute,
    clock.second,
    clock.ms,
  );
  if (clock.offset !== undefined) return asUtc - clock.offset * 60_000;
  const first = asUtc - zoneOffsetMinutes(timeZone, asUtc) * 60_000;
  return asUtc - zoneOffsetMinutes(timeZone, first) * 60_000;
}

const pad = (value: number, width = 2) => String(Math.abs(value)).padStart(width, '0');

/** ISO 8601 text of `epochMs` as wall-clock time in `timeZone`, with its offset. */
export function formatInZone(epochMs: number, timeZone: string): string {
  const offset = zoneOffsetMinutes(timeZone, epochMs);
  const local = new Date(epochMs + offset * 60_000);
  const ms = local.getUTCMilliseconds();
  const date = `${pad(local.getUTCFullYear(), 4)}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())}`;
  const time = `${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())}`;
  const zone = `${offset < 0 ? '-' : '+'}${pad(Math.trunc(offset / 60))}:${pad(offset % 60)}`;
  return `${date}T${time}${ms ? `.${pad(ms, 3)}` : ''}${zone}`;
}

/**
 * Reads a date or date-time and returns ISO 8601 in `timeZone` with its offset. Text without a
 * zone is wall-clock time in `timeZone`; text with one (Z, +02:00) is an instant. Accepts ISO
 * forms, 31.12.2025, 12/31/2025 (or 31/12/2025 with order DMY), /Date(ms)/ and epoch milliseconds.
 */
export function parseDate(
  value: unknown,
  timeZone = 'UTC',
  order: 'DMY' | 'MDY' = 'MDY',
): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new HubError('invalid_data', 'invalid_date', `${value} is not a date`);
    return formatInZone(value, timeZone);
  }
  if (typeof value !== 'string')
    throw new HubError('invalid_data', 'invalid_date', 'a date must be text or a number');
  const text = value.trim();
  const msJson = msJsonPattern.exec(text);
  if (msJson) return formatInZone(Number(msJson[1]), timeZone);
  const clock = parseWallClock(text, order);
  if (!clock || !isRealClock(clock)) {
    throw new HubError('invalid_data', 'invalid_date', `"${text}" is not a date this hub can read`);
  }
  return formatInZone(wallClockToEpoch(clock, timeZone), timeZone);
}
