import type { OdooClient } from './client.ts';
import { includeArchived, many2oneId, type OdooRow, parseRows } from './records.ts';
import type { OdooRelation } from './streams/types.ts';

function uniqueSorted(ids: Array<number | undefined>): number[] {
  return [...new Set(ids.filter((id): id is number => id !== undefined))].sort((a, b) => a - b);
}

/**
 * Fetches each relation with one search_read for the whole page (never one call per record) and
 * attaches the rows: children as a list under `as`, a parent row as an object (or null).
 */
export async function attachRelations(
  client: OdooClient,
  rows: OdooRow[],
  relations: OdooRelation[] = [],
): Promise<void> {
  for (const relation of relations) {
    const { kind, field, via } = relation.link;
    const keyOf = (row: OdooRow) => (via ? many2oneId(row[via]) : row.id);
    const ids = uniqueSorted(rows.map((row) => (kind === 'children' ? keyOf(row) : many2oneId(row[field]))));
    const related = ids.length === 0 ? [] : await searchRelated(client, relation, ids);
    await attachRelations(client, related, relation.relations);
    for (const row of rows) {
      if (kind === 'children') {
        row[relation.as] = related.filter((child) => many2oneId(child[field]) === keyOf(row));
      } else {
        const parentId = many2oneId(row[field]);
        row[relation.as] = related.find((parent) => parent.id === parentId) ?? null;
      }
    }
  }
}

async function searchRelated(client: OdooClient, relation: OdooRelation, ids: number[]): Promise<OdooRow[]> {
  const { kind, field } = relation.link;
  const domain = kind === 'children' ? [[field, 'in', ids]] : [['id', 'in', ids]];
  // A row may point at an archived parent, which must still resolve; archived children (an
  // archived BoM operation or variant) are no longer part of the record, so they stay out.
  const kwargs =
    kind === 'children'
      ? { fields: relation.fields, order: 'id asc' }
      : { fields: relation.fields, context: includeArchived };
  const result = await client.executeKw(relation.model, 'search_read', [domain], kwargs);
  return parseRows(result, `${relation.model}.search_read`);
}
