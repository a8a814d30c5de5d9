import { z } from 'zod';
import { MAX_DAYS } from './limits.ts';

/** YYYY-MM-DD, validated as a real calendar date. */
export const isoDateSchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'expected an ISO date YYYY-MM-DD')
  .refine((value) => toEpochDay(value) !== null, 'not a real calendar date');

/** Working weekdays (0 = Sunday ... 6 = Saturday) and holidays; absent means calendar days. */
export const calendarSchema = z.object({
  workingWeekdays: z.array(z.number().int().min(0).max(6)).min(1).max(7).default([1, 2, 3, 4, 5]),
  holidays: z.array(isoDateSchema).max(MAX_DAYS).default([]),
});
export type Calendar = z.output<typeof calendarSchema>;

/**
 * Why `date` cannot be planned from `asOf`: it lies more than MAX_DAYS calendar days before or
 * after it. Undefined otherwise, and for dates that are no dates at all (they have their own issue).
 */
export function planWindowProblem(asOf: string, date: string): string | undefined {
  const [from, to] = [toEpochDay(asOf), toEpochDay(date)];
  if (from === null || to === null || Math.abs(to - from) <= MAX_DAYS) return undefined;
  return `more than ${MAX_DAYS} days from asOf ${asOf}: outside the planning window`;
}

/** Adds an issue when `date` lies outside the planning window around `asOf`. */
export function checkWithinPlanWindow(
  ctx: z.RefinementCtx,
  asOf: string,
  date: string,
  path: Array<string | number>,
): void {
  const message = planWindowProblem(asOf, date);
  if (message) ctx.addIssue({ code: 'custom', path, message });
}

/** The date a plan is made on: far enough from years 0 and 9999 that every offset stays a date. */
export const asOfSchema = isoDateSchema.refine(
  (date) => date >= '1900-01-01' && date <= '2999-12-31',
  'expected a date from 1900 to 2999',
);

const MS_PER_DAY = 86_400_000;

/** Days since 1970-01-01 (UTC), or null when the text is not a real date. */
export function toEpochDay(date: string): number | null {
  const ms = Date.parse(`${date}T00:00:00Z`);
  if (Number.isNaN(ms)) return null;
  const day = Math.floor(ms / MS_PER_DAY);
  return fromEpochDay(day) === date ? day : null;
}

export function epochDay(date: string): number {
  const day = toEpochDay(date);
  if (day === null) throw new RangeError(`Not an ISO date: ${date}`);
  return day;
}

export function fromEpochDay(day: number): string {
  return new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
}

export function isWorkingDay(date: string, calendar?: Calendar): boolean {
  if (!calendar) return true;
  const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
  return calendar.workingWeekdays.includes(weekday) && !calendar.holidays.includes(date);
}

/**
 * Moves `days` days from `date` (negative goes back). With a calendar, counts working days and
 * lands on a working day; without one, plain calendar days.
 */
export function addDays(date: string, days: number, calendar?: Calendar): string {
  if (!calendar) return fromEpochDay(epochDay(date) + days);
  const step = days >= 0 ? 1 : -1;
  let current = epochDay(date);
  let remaining = Math.abs(days);
  while (remaining > 0) {
    current += step;
    if (isWorkingDay(fromEpochDay(current), calendar)) remaining -= 1;
  }
  return fromEpochDay(current);
}

/** The last working day on or before `date`: the date itself without a calendar. */
export function workingDayOnOrBefore(date: string, calendar?: Calendar): string {
  return isWorkingDay(date, calendar) ? date : addDays(date, -1, calendar);
}

/**
 * Days from `from` to `to` (positive when `to` is later). With a calendar, the number of working
 * days passed when walking from `from` to `to`, so that addDays(from, diffDays(from, to)) is `to`
 * whenever `to` is a working day.
 */
export function diffDays(from: string, to: string, calendar?: Calendar): number {
  const start = epochDay(from);
  const end = epochDay(to);
  if (!calendar) return end - start;
  const step = end >= start ? 1 : -1;
  let count = 0;
  for (let day = start; day !== end; day += step) {
    if (isWorkingDay(fromEpochDay(day + step), calendar)) count += step;
  }
  return count;
}
