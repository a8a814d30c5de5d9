import { addDays, type Calendar, diffDays } from '../calendar.ts';

/**
 * addDays and diffDays for one calendar, remembered: thousands of orders share a few hundred
 * dates, and walking a working-day calendar day by day for each of them dominates a schedule.
 */
export function createCachedDates(calendar?: Calendar) {
  const added = new Map<string, string>();
  const differences = new Map<string, number>();
  return {
    addDays(date: string, days: number): string {
      const key = `${date}|${days}`;
      let result = added.get(key);
      if (result === undefined) {
        result = addDays(date, days, calendar);
        added.set(key, result);
      }
      return result;
    },
    diffDays(from: string, to: string): number {
      const key = `${from}|${to}`;
      let result = differences.get(key);
      if (result === undefined) {
        result = diffDays(from, to, calendar);
        differences.set(key, result);
      }
      return result;
    },
  };
}
