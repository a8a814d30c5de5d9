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
 *
 * A window covers the write_date of related rows that count as changes of the record (an item's
 * vendor lines) too: once the records written in it are read, a second pass reads, again paged
 * by id, the records whose related rows were written in it (see linked-changes.ts).
 */
export const odooCursorSchema = z
  .strictObject({
    /** Inclusive start of the window; null on the first sync. */
    from: z.string().nullable(),
    /** Exclusive end, fixed when the window is opened; null between windows. */
    to: z.string().nullable(),
    afterId: z.number().int().min(0),
    /**
     * Set during the window's second pass. Cursors without it are in the first pass, which goes
     * on to the second: a cursor written before there was a second pass reads both.
     */
    linked: z.literal(true).optional(),
  })
  .refine((cursor) => !cursor.linked || (cursor.from !== null && cursor.to !== null), {
    message: 'a second pass belongs to an open window after the first sync',
  });
export type OdooCursor = z.infer<typeof odooCursorSchema>;
export type OdooWindow = OdooCursor & { to: string };

const initialCursor: OdooCursor = { from: null, to: null, afterId: 0 };

export function parseOdooCursor(cursor: Cursor | undefined): OdooCursor {
  if (cursor === undefined || cursor === null) return initialCursor;
  return parseOrThrow(odooCursorSchema, cursor, { what: 'odoo cursor' });
}

/** Odoo's datetime format: UTC, no zone, whole seconds. */
export function formatOdooDatetime(date: Date): string {
  return date.toISOString().slice(0, 19).replace('T', ' ');
}

export function openWindow(cursor: OdooCursor, now: Date, lagSeconds: number): OdooWindow {
  if (cursor.to !== null) return { ...cursor, to: cursor.to };
  return {
    from: cursor.from,
    to: formatOdooDatetime(new Date(now.getTime() - lagSeconds * 1000)),
    afterId: 0,
  };
}

/**
 * The page's filter: records written in the window or, in the second pass, `linkedChanges` (the
 * records whose related rows were written in it); null when the second pass has nothing to read.
 */
export function windowDomain(cursor: OdooWindow, linkedChanges: Domain | null): Domain | null {
  const afterId: [string, string, unknown] = ['id', '>', cursor.afterId];
  if (cursor.linked) return linkedChanges && [...linkedChanges, afterId];
  return [
    ...(cursor.from === null ? [] : [['write_date', '>=', cursor.from] as [string, string, unknown]]),
    ['write_date', '<', cursor.to],
    afterId,
  ];
}

/**
 * Cursor after a page: the next id in the same pass, the second pass once the first is drained
 * and there are linked changes, or the next window.
 */
export function advanceCursor(
  window: OdooWindow,
  lastId: number,
  drained: boolean,
  hasLinkedChanges: boolean,
): OdooCursor {
  if (!drained) return { ...window, afterId: lastId };
  if (!window.linked && hasLinkedChanges)
    return { from: window.from, to: window.to, afterId: 0, linked: true };
  return { from: window.to, to: null, afterId: 0 };
}
