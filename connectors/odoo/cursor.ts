import { z } from 'zod';
import type { Cursor } from '../../core/connector/index.ts';
import { parseOrThrow } from '../../core/errors/index.ts';
import type { Domain } from './streams/types.ts';

/**
 * Incremental reads walk fixed windows [from, to) of write_date, paged by id inside a window.
 *
 * A cursor on (write_date, id) does not work against Odoo: the API shows write_date truncated to
 * the second while the database keeps microseconds, so `write_date = X` matches nothing and
 * `write_date > X` still matches rows shown as X, and one transaction stamps many rows alike.
 * Half-open windows on whole seconds are exact, and paging by id is immune to rows leaving the
 * window while it is read (offset paging would skip rows then).
 */
export const odooCursorSchema = z.strictObject({
  /** Inclusive start of the window; null on the first sync. */
  from: z.string().nullable(),
  /** Exclusive end, fixed when the window is opened; null between windows. */
  to: z.string().nullable(),
  afterId: z.number().int().min(0),
});
export type OdooCursor = z.infer<typeof odooCursorSchema>;

const initialCursor: OdooCursor = { from: null, to: null, afterId: 0 };

export function parseOdooCursor(cursor: Cursor | undefined): OdooCursor {
  if (cursor === undefined || cursor === null) return initialCursor;
  return parseOrThrow(odooCursorSchema, cursor, { what: 'odoo cursor' });
}

/** Odoo's datetime format: UTC, no zone, whole seconds. */
export function formatOdooDatetime(date: Date): string {
  return date.toISOString().slice(0, 19).replace('T', ' ');
}

export function openWindow(cursor: OdooCursor, now: Date, lagSeconds: number): OdooCursor & { to: string } {
  if (cursor.to !== null) return { ...cursor, to: cursor.to };
  return {
    from: cursor.from,
    to: formatOdooDatetime(new Date(now.getTime() - lagSeconds * 1000)),
    afterId: 0,
  };
}

export function windowDomain(cursor: OdooCursor & { to: string }): Domain {
  return [
    ...(cursor.from === null ? [] : [['write_date', '>=', cursor.from] as [string, string, unknown]]),
    ['write_date', '<', cursor.to],
    ['id', '>', cursor.afterId],
  ];
}

/** Cursor after a page: the next id in the same window, or the next window once this one is drained. */
export function advanceCursor(
  window: OdooCursor & { to: string },
  lastId: number,
  drained: boolean,
): OdooCursor {
  return drained ? { from: window.to, to: null, afterId: 0 } : { ...window, afterId: lastId };
}
