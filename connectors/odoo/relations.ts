import { HubError } from '../../core/errors/index.ts';
import type { Logger } from '../../core/log/index.ts';
import type { OdooClient } from './client.ts';
import { includeArchived, many2oneId, type OdooRow, parseRows } from './records.ts';
import type { OdooRelation } from './streams/types.ts';

/** One read of a stream: optional relations Odoo could not answer are not asked again. */
export interface RelationReading {
  stream: string;
  logger: Logger;
  /** Models of optional relations found unreadable during this read. */
  unreadable: Set<string>;
}

export function startRelationReading(stream: string, logger: Logger): RelationReading {
  return { stream, logger, unreadable: new Set() };
}

export function uniqueSorted(ids: Array<number | undefined>): number[] {
  return [...new Set(ids.filter((id): id is number => id !== undefined))].sort((a, b) => a - b);
}

/** The model's module is not installed, or the user's groups may not read it. */
const isUnreadable = (error: unknown) =>
  error instanceof HubError && (error.code === 'odoo_unknown_model' || error.code === 'odoo_access_error');

/**
 * Whether the read goes on without the relation after `error`: an optional relation that Odoo
 * cannot read, which the read then asks Odoo no more about and warns of once.
 */
export function goesOnWithout(relation: OdooRelation, error: unknown, reading: RelationReading): boolean {
  if (!relation.optional || !isUnreadable(error)) return false;
  reading.unreadable.add(relation.model);
  reading.logger.warn(
    `odoo ${reading.stream}: ${relation.model} cannot be read, so records are read without ${relation.as}`,
    { model: relation.model, error: (error as HubError).message },
  );
  return true;
}

/**
 * Fetches each relation with one search_read for the whole page (never one call per record) and
 * attaches the rows: children as a list under `as`, a parent row as an object (or null). An
 * optional relation Odoo cannot read is left out of the records (no `as` key).
 */
export async function attachRelations(
  client: OdooClient,
  rows: OdooRow[],
  relations: OdooRelation[] | undefined,
  reading: RelationReading,
): Promise<void> {
  for (const relation of relations ?? []) {
    const { kind, field, via } = relation.link;
    if (relation.optional && reading.unreadable.has(relation.model)) continue;
    const keyOf = (row: OdooRow) => (via ? many2oneId(row[via]) : row.id);
    const ids = uniqueSorted(rows.map((row) => (kind === 'children' ? keyOf(row) : many2oneId(row[field]))));
    let related: OdooRow[] = [];
    try {
      related = ids.length === 0 ? [] : await searchRelated(client, relation, ids);
    } catch (error) {
      if (!goesOnWithout(relation, error, reading)) throw error;
      continue;
    }
    await attachRelations(client, related, relation.relations, reading);
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
  const domain = [kind === 'children' ? [field, 'in', ids] : ['id', 'in', ids], ...(relation.domain ?? [])];
  // A row may point at an archived parent, which must still resolve; archived children (an
  // archived BoM operation or variant) are no longer part of the record, so they stay out.
  const kwargs =
    kind === 'children'
      ? { fields: relation.fields, order: 'id asc' }
      : { fields: relation.fields, context: includeArchived };
  const result = await client.executeKw(relation.model, 'search_read', [domain], kwargs);
  return parseRows(result, `${relation.model}.search_read`);
}
