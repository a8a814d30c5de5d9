import type { z } from 'zod';
import { isoDateSchema, toEpochDay } from './calendar.ts';

/*
 * Upper bounds on TOC inputs. The engines build arrays with a slot per day and walk working-day
 * calendars day by day, so a number far beyond any real plan would exhaust memory or CPU instead
 * of being refused as the typo it is.
 */

/** Ten years of days: the longest horizon, buffer, lead time or schedule an engine plans over. */
export const MAX_DAYS = 3_660;
/** A year of minutes: the most one operation, or one resource's day, may take. */
export const MAX_MINUTES = 525_600;
/** Units, demand, stock levels, capacities and hours. */
export const MAX_QUANTITY = 1e9;
/** Prices, costs, operating expense and investment. */
export const MAX_MONEY = 1e15;

/**
 * Adds an issue when `date` lies more than MAX_DAYS calendar days before or after `asOf`. Dates
 * that are no dates at all already have their own issue.
 */
export function checkWithinPlanWindow(
  ctx: z.RefinementCtx,
  asOf: string,
  date: string,
  path: Array<string | number>,
): void {
  const [from, to] = [toEpochDay(asOf), toEpochDay(date)];
  if (from === null || to === null || Math.abs(to - from) <= MAX_DAYS) return;
  const message = `more than ${MAX_DAYS} days from asOf ${asOf}: outside the planning window`;
  ctx.addIssue({ code: 'custom', path, message });
}

/** The date a plan is made on: far enough from years 0 and 9999 that every offset stays a date. */
export const asOfSchema = isoDateSchema.refine(
  (date) => date >= '1900-01-01' && date <= '2999-12-31',
  'expected a date from 1900 to 2999',
);
