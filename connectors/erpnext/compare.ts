import { isDeepStrictEqual } from 'node:util';
import type { FrappeDoc } from './client.ts';

// Frappe reads an unset field as null, and an empty Data field may come back as ''.
const isEmpty = (value: unknown) => value === null || value === undefined || value === '';

const isRow = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Floats come back as 10.0 and Check fields as 0/1, so a number is compared as a number. */
function sameValue(wanted: unknown, stored: unknown): boolean {
  if (isEmpty(wanted) || isEmpty(stored)) return isEmpty(wanted) && isEmpty(stored);
  if (typeof wanted === 'number' || typeof stored === 'number') return Number(wanted) === Number(stored);
  return isDeepStrictEqual(wanted, stored);
}

/** Child rows in their order (idx), each compared on the fields the mapping gives it. */
function sameRows(wanted: unknown[], stored: unknown): boolean {
  if (!Array.isArray(stored) || stored.length !== wanted.length) return false;
  return wanted.every((row, index) => {
    const storedRow: unknown = stored[index];
    if (!isRow(row) || !isRow(storedRow)) return sameValue(row, storedRow);
    return Object.entries(row).every(([key, value]) => sameValue(value, storedRow[key]));
  });
}

/** Whether the document already holds every mapped field and child row, so no write is needed. */
export function documentHolds(current: FrappeDoc, record: Record<string, unknown>): boolean {
  return Object.entries(record).every(([key, value]) =>
    Array.isArray(value) ? sameRows(value, current[key]) : sameValue(value, current[key]),
  );
}
