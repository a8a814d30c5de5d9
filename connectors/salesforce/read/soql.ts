import type { SObjectStream } from '../streams/sobject-stream.ts';
import { type ModstampWindow, windowStart } from './window.ts';

/** Children come along as parent-to-child subqueries, e.g. `(SELECT Id FROM OpportunityLineItems)`. */
function columnsOf(stream: SObjectStream): string {
  const subqueries = stream.children.map((child) => `(SELECT ${child.fields.join(', ')} FROM ${child.name})`);
  return [...stream.fields, ...subqueries].join(', ');
}

function since(window: ModstampWindow | undefined, overlapMs: number): string {
  return window ? ` AND SystemModstamp >= ${windowStart(window, overlapMs)}` : '';
}

/** Changed records, oldest first; Id breaks ties so paging is stable. */
export function selectChanged(
  stream: SObjectStream,
  window: ModstampWindow | undefined,
  overlapMs: number,
): string {
  const where = window ? ` WHERE SystemModstamp >= ${windowStart(window, overlapMs)}` : '';
  return `SELECT ${columnsOf(stream)} FROM ${stream.sobject}${where} ORDER BY SystemModstamp ASC, Id ASC`;
}

/** Deleted records still in the recycle bin; only queryAll returns them. */
export function selectDeleted(stream: SObjectStream, window: ModstampWindow, overlapMs: number): string {
  return `SELECT Id, SystemModstamp FROM ${stream.sobject} WHERE IsDeleted = true${since(window, overlapMs)} ORDER BY SystemModstamp ASC, Id ASC`;
}

/** Bulk API 2.0 takes no subqueries, so only streams without children load in bulk. */
export function selectForBulk(stream: SObjectStream): string {
  return `SELECT ${stream.fields.join(', ')} FROM ${stream.sobject}`;
}

export function countAll(stream: SObjectStream): string {
  return `SELECT COUNT() FROM ${stream.sobject}`;
}
