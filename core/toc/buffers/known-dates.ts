import { z } from 'zod';
import { toEpochDay } from '../calendar.ts';

const MAX_REMEMBERED = 50_000;
const provenDates = new Set<string>();

function isProvenRealDate(value: string): boolean {
  if (provenDates.has(value)) return true;
  if (toEpochDay(value) === null) return false;
  if (provenDates.size >= MAX_REMEMBERED) provenDates.clear();
  provenDates.add(value);
  return true;
}

/**
 * The rules and messages of the calendar's isoDateSchema, remembering dates already proven real:
 * a batch of 100,000 buffers repeats the same few hundred dates, and a full calendar check per
 * occurrence would dominate validation.
 */
export const knownIsoDateSchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'expected an ISO date YYYY-MM-DD')
  .refine(isProvenRealDate, 'not a real calendar date');
