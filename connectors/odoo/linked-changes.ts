import type { OdooClient } from './client.ts';
import type { OdooWindow } from './cursor.ts';
import { includeArchived, many2oneId, parseRows } from './records.ts';
import { goesOnWithout, type RelationReading, uniqueSorted } from './relations.ts';
import type { Domain, DomainTerm, OdooRelation, OdooStream } from './streams/types.ts';

/**
 * The keys of the records that the relation's rows written in [from, to) belong to: for children
 * the many2one they point with (a vendor line's product_tmpl_id), for a parent its own id.
 */
async function keysWrittenIn(
  client: OdooClient,
  relation: OdooRelation,
  window: { from: string; to: string },
): Promise<number[]> {
  const { kind, field } = relation.link;
  const written = [
    ['write_date', '>=', window.from],
    ['write_date', '<', window.to],
  ];
  // Not the relation's own filter: a row that stopped matching it (a vendor line moved to an
  // archived vendor) changes the record as well.
  const result = await client.executeKw(relation.model, 'search_read', [written], {
    fields: [kind === 'children' ? field : 'id'],
    context: includeArchived,
  });
  const rows = parseRows(result, `${relation.model}.search_read`);
  return uniqueSorted(rows.map((row) => (kind === 'children' ? many2oneId(row[field]) : row.id)));
}

/** The records those keys belong to, as the relation links them. */
function recordsWith(relation: OdooRelation, keys: number[]): DomainTerm {
  const { kind, field, via } = relation.link;
  return kind === 'children' ? [via ?? 'id', 'in', keys] : [field, 'in', keys];
}

/**
 * The second pass of a window: the records whose related rows (relations that count as changes)
 * were written in the window while the record itself was written before it. Those written in
 * the window are read by the first pass, those written after it by the next window, each with
 * its related rows as they are then. Null when there are none, and on the first sync, which
 * reads every record. The window's end is fixed, so a resumed window finds the same rows again,
 * less those written once more since (the next window has them).
 */
export async function linkedChangesIn(
  client: OdooClient,
  stream: OdooStream,
  window: OdooWindow,
  reading: RelationReading,
): Promise<Domain | null> {
  const { from, to } = window;
  if (from === null) return null;
  const terms: DomainTerm[] = [];
  for (const relation of stream.relations ?? []) {
    if (!relation.countsAsChange || reading.unreadable.has(relation.model)) continue;
    try {
      const keys = await keysWrittenIn(client, relation, { from, to });
      if (keys.length > 0) terms.push(recordsWith(relation, keys));
    } catch (error) {
      if (!goesOnWithout(relation, error, reading)) throw error;
    }
  }
  if (terms.length === 0) return null;
  const anyOf = [...terms.slice(1).map(() => '|'), ...terms];
  return [...anyOf, ['write_date', '<', from]];
}
