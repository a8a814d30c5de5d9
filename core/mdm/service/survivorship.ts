import type { Queryable } from '../../store/db.ts';
import type { FieldRule, GoldenRecord, SourceRecord, Survivorship } from '../golden/schema.ts';
import { computeGolden } from '../golden/survive.ts';
import { survivorshipFor } from '../store/settings.ts';

/** One live source record of a golden record, as source_records keeps it. */
export interface StoredSource {
  connectionId: string;
  kind: string;
  stream: string;
  externalId: string;
  mapped: Record<string, unknown>;
  updatedAt: string;
}

/** Lineage of one golden field: the connection and external id it came from, and when. */
export interface FieldLineage {
  connectionId: string;
  kind: string;
  externalId: string;
  at: string;
}

export interface Survived {
  body: Record<string, unknown>;
  lineage: Record<string, FieldLineage>;
}

const isoOf = (value: unknown): string => new Date(value as string | Date).toISOString();

/** Live source records per golden id, with their connection's kind. */
export async function liveSourcesOf(db: Queryable, ids: string[]): Promise<Map<string, StoredSource[]>> {
  const byId = new Map<string, StoredSource[]>();
  if (ids.length === 0) return byId;
  const { rows } = await db.query<{
    canonical_id: string;
    connection_id: string;
    kind: string | null;
    stream: string;
    external_id: string;
    mapped: Record<string, unknown> | null;
    updated_at: string | Date;
  }>(
    `SELECT s.canonical_id, s.connection_id, c.kind, s.stream, s.external_id, s.mapped, s.updated_at
     FROM source_records s LEFT JOIN connections c ON c.id = s.connection_id
     WHERE s.canonical_id = ANY($1::uuid[]) AND NOT s.deleted AND s.mapped IS NOT NULL
     ORDER BY s.canonical_id, s.updated_at DESC, s.connection_id, s.stream, s.external_id`,
    [ids],
  );
  for (const row of rows) {
    const list = byId.get(row.canonical_id) ?? [];
    list.push({
      connectionId: row.connection_id,
      kind: row.kind ?? row.connection_id,
      stream: row.stream,
      externalId: row.external_id,
      mapped: row.mapped!,
      updatedAt: isoOf(row.updated_at),
    });
    byId.set(row.canonical_id, list);
  }
  return byId;
}

/**
 * A priority list names kinds or connection ids; computeGolden ranks by one system name, so each
 * source is named by its connection and the list becomes those connections in rank order.
 * Connections of one rank (two plants of one kind) go newest source first, then by id, as every
 * other tie does: never by the order the sources were read in.
 */
function resolveRule(rule: FieldRule, sources: ReadonlyArray<StoredSource>): FieldRule {
  if (rule.strategy !== 'sourcePriority') return rule;
  const rank = (source: StoredSource) => {
    const hits = [rule.systems.indexOf(source.connectionId), rule.systems.indexOf(source.kind)].filter(
      (i) => i >= 0,
    );
    return hits.length === 0 ? Number.POSITIVE_INFINITY : Math.min(...hits);
  };
  const listed = sources.filter((source) => Number.isFinite(rank(source)));
  const ranked = [
    ...new Set(
      listed
        .sort(
          (a, b) =>
            rank(a) - rank(b) ||
            Date.parse(b.updatedAt) - Date.parse(a.updatedAt) ||
            a.connectionId.localeCompare(b.connectionId),
        )
        .map((source) => source.connectionId),
    ),
  ];
  return ranked.length === 0 ? { strategy: 'mostRecent' } : { strategy: 'sourcePriority', systems: ranked };
}

/** One source per connection and external id (the newest, if two streams carry it; then by stream). */
function distinctSources(sources: ReadonlyArray<StoredSource>): StoredSource[] {
  const latest = new Map<string, StoredSource>();
  const newer = (a: StoredSource, b: StoredSource) =>
    Date.parse(a.updatedAt) - Date.parse(b.updatedAt) || b.stream.localeCompare(a.stream);
  for (const source of sources) {
    const key = `${source.connectionId}\u0000${source.externalId}`;
    const seen = latest.get(key);
    if (!seen || newer(source, seen) > 0) latest.set(key, source);
  }
  return [...latest.values()];
}

/**
 * A field every source leaves empty (an opportunity without lines, `lines: []`) keeps the newest
 * source's empty value instead of vanishing, so that a record with one source keeps exactly what
 * that source says and a source record sent again unchanged leaves its golden record unchanged.
 */
function keepEmptyFields(golden: GoldenRecord): void {
  for (const source of golden.sources)
    for (const [field, value] of Object.entries(source.values)) {
      if (value === undefined || Object.hasOwn(golden.values, field)) continue;
      golden.values[field] = value;
      golden.lineage[field] = {
        system: source.system,
        connection: source.connection,
        externalId: source.externalId,
        updatedAt: source.updatedAt,
      };
    }
}

/** The golden body of a record's sources under the entity's rules, with per-field lineage. */
export function surviveSources(
  id: string,
  input: ReadonlyArray<StoredSource>,
  rules: Survivorship,
): Survived {
  const sources = distinctSources(input);
  const resolved: Survivorship = {
    default: resolveRule(rules.default, sources),
    fields: Object.fromEntries(
      Object.entries(rules.fields).map(([field, rule]) => [field, resolveRule(rule, sources)]),
    ),
  };
  const records: SourceRecord[] = sources.map((source) => ({
    system: source.connectionId,
    connection: source.connectionId,
    externalId: source.externalId,
    updatedAt: source.updatedAt,
    values: source.mapped,
  }));
  const golden = computeGolden(id, records, resolved);
  keepEmptyFields(golden);
  const kinds = new Map(sources.map((source) => [source.connectionId, source.kind]));
  const lineage = Object.fromEntries(
    Object.entries(golden.lineage).map(([field, from]) => [
      field,
      {
        connectionId: from.connection,
        kind: kinds.get(from.connection)!,
        externalId: from.externalId,
        at: from.updatedAt,
      },
    ]),
  );
  return { body: golden.values, lineage };
}

/** Computes golden bodies of the given records from all their live sources. */
export async function surviveRecords(
  db: Queryable,
  entity: string,
  ids: string[],
): Promise<Map<string, Survived>> {
  const [sources, rules] = await Promise.all([liveSourcesOf(db, ids), survivorshipFor(db, entity)]);
  return new Map([...sources].map(([id, list]) => [id, surviveSources(id, list, rules)]));
}

export type PageSurvivor = (
  canonicalId: string,
  record: { externalId: string; mapped: Record<string, unknown> },
  now: string,
) => Survived;

/**
 * For a page about to be written: a function giving what survivorship makes of a golden record's
 * live sources with the incoming record in place of its stored copy (also when it is the only one).
 */
export async function loadPageSurvivor(
  db: Queryable,
  page: { entity: string; connectionId: string; stream: string },
  ids: string[],
): Promise<PageSurvivor> {
  const [sources, rules, kind] = await Promise.all([
    liveSourcesOf(db, ids),
    survivorshipFor(db, page.entity),
    db.query<{ kind: string }>('SELECT kind FROM connections WHERE id = $1', [page.connectionId]),
  ]);
  const pageKind = kind.rows[0]?.kind ?? page.connectionId;
  return (canonicalId, record, now) => {
    const others = (sources.get(canonicalId) ?? []).filter(
      (source) =>
        !(
          source.connectionId === page.connectionId &&
          source.stream === page.stream &&
          source.externalId === record.externalId
        ),
    );
    const incoming: StoredSource = {
      connectionId: page.connectionId,
      kind: pageKind,
      stream: page.stream,
      externalId: record.externalId,
      mapped: record.mapped,
      updatedAt: now,
    };
    return surviveSources(canonicalId, [...others, incoming], rules);
  };
}
