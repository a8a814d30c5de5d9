import { z } from 'zod';
import { toEpochDay } from '../calendar.ts';

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const MAX_REMEMBERED = 50_000;
const provenDates = new Set<string>();

/** Why `value` is not a usable ISO date (the calendar's isoDateSchema wording), or null. */
function dateProblem(value: string): string | null {
  if (provenDates.has(value)) return null;
  if (!ISO_DATE.test(value)) return 'expected an ISO date YYYY-MM-DD';
  if (toEpochDay(value) === null) return 'not a real calendar date';
  if (provenDates.size >= MAX_REMEMBERED) provenDates.clear();
  provenDates.add(value);
  return null;
}

/**
 * The calendar's isoDateSchema rules and messages in a single check that remembers dates already
 * proven real: a batch of 100,000 buffers repeats the same few hundred dates, and a full calendar
 * check per occurrence would dominate validation.
 */
export const knownIsoDateSchema = z.string().check((payload) => {
  const problem = dateProblem(payload.value);
  if (problem) payload.issues.push({ code: 'custom', message: problem, input: payload.value });
});
