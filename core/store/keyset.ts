import type { Queryable } from './db.ts';

/**
 * Keyset paging for the master-data lists (golden records, the review queue). A cursor names the
 * last (or first) row seen by its sort key and id, so a page follows on from it however many rows
 * were added or removed ahead of it meanwhile, where an offset would skip or repeat rows.
 */
export type CursorKey = { sortKey: string; id: string };

const cursorText = (key: CursorKey) =>
  Buffer.from(JSON.stringify([key.sortKey, key.id])).toString('base64url');

/** Rows of one list: `where` holds $1…$n of `params`; rows sort by `sort` (ascending), then id. */
export interface KeysetSource {
  from: string;
  where: string;
  params: unknown[];
  columns: string;
  /** The sort column, the same as text for a cursor, and the cast that reads a cursor's text back. */
  sort: { column: string; asText: string; cast: string };
}

export interface KeysetPage<T> {
  items: T[];
  total: number;
  limit: number;
  /** How many rows of the list come before the first one here. */
  offset: number;
  nextCursor: string | null;
  previousCursor: string | null;
}

type Move =
  | { kind: 'offset'; offset: number }
  | { kind: 'after' | 'before'; key: CursorKey }
  /** The last page: a cursor ran past the end (its rows were removed). */
  | { kind: 'end' };

export function keysetPage<Row extends { id: string }>(
  db: Queryable,
  source: KeysetSource,
  query: { limit: number; offset: number; after?: CursorKey; before?: CursorKey },
): Promise<KeysetPage<Row>> {
  const move: Move = query.before
    ? { kind: 'before', key: query.before }
    : query.after
      ? { kind: 'after', key: query.after }
      : { kind: 'offset', offset: query.offset };
  return readPage<Row>(db, source, query.limit, move);
}

/** The rows of one move (one more than a page, to tell whether the list goes on), and the counts. */
async function fetchRows<Row>(db: Queryable, source: KeysetSource, limit: number, move: Move) {
  const bound = 'key' in move ? [move.key.sortKey, move.key.id] : [];
  const n = source.params.length;
  const key = `(${source.sort.column}, id)`;
  const cursor = `($${n + 1}${source.sort.cast}, $${n + 2}::uuid)`;
  const conditions = {
    offset: { page: 'true', ahead: 'false' },
    end: { page: 'true', ahead: 'false' },
    after: { page: `${key} > ${cursor}`, ahead: `${key} <= ${cursor}` },
    before: { page: `${key} < ${cursor}`, ahead: `${key} < ${cursor}` },
  }[move.kind];
  const order = move.kind === 'before' || move.kind === 'end' ? 'DESC' : 'ASC';
  const at = n + bound.length;
  const [rows, counts] = await Promise.all([
    db.query<Row & { sortKey: string }>(
      `SELECT ${source.columns}, ${source.sort.asText} AS "sortKey" FROM ${source.from}
       WHERE (${source.where}) AND ${conditions.page}
       ORDER BY ${source.sort.column} ${order}, id ${order} LIMIT $${at + 1} OFFSET $${at + 2}`,
      [...source.params, ...bound, limit + 1, move.kind === 'offset' ? move.offset : 0],
    ),
    db.query<{ total: number; ahead: number }>(
      `SELECT count(*)::int AS total, (count(*) FILTER (WHERE ${conditions.ahead}))::int AS ahead
       FROM ${source.from} WHERE (${source.where})`,
      [...source.params, ...bound],
    ),
  ]);
  return { rows: rows.rows, ...(counts.rows[0] ?? { total: 0, ahead: 0 }) };
}

async function readPage<Row extends { id: string }>(
  db: Queryable,
  source: KeysetSource,
  limit: number,
  move: Move,
): Promise<KeysetPage<Row>> {
  const { rows, total, ahead } = await fetchRows<Row>(db, source, limit, move);
  const backward = move.kind === 'before' || move.kind === 'end';
  const more = rows.length > limit;
  const page = rows.slice(0, limit);
  if (backward) page.reverse();
  // Going back reached the start with fewer rows than a page: the first page, in full.
  if (move.kind === 'before' && !more && page.length < limit && total > page.length)
    return readPage(db, source, limit, { kind: 'offset', offset: 0 });
  if (move.kind === 'after' && page.length === 0 && total > 0)
    return readPage(db, source, limit, { kind: 'end' });
  const before = {
    offset: move.kind === 'offset' ? move.offset : 0,
    after: ahead,
    before: Math.max(0, ahead - page.length),
    end: Math.max(0, total - page.length),
  }[move.kind];
  const hasPrevious = backward ? more : before > 0;
  const hasNext = { offset: more, after: more, before: total > ahead, end: false }[move.kind];
  const first = page[0];
  const last = page.at(-1);
  return {
    items: page.map(({ sortKey: _sortKey, ...row }) => row as unknown as Row),
    total,
    limit,
    offset: before,
    nextCursor: hasNext && last ? cursorText(last) : null,
    previousCursor: hasPrevious && first ? cursorText(first) : null,
  };
}
