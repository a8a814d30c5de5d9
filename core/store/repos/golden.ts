import type { CanonicalEntity } from '../../connector/types.ts';
import { keyColumnsOf } from '../../model/entities.ts';
import type { Queryable } from '../db.ts';
import { type KeysetSource, keysetPage } from '../keyset.ts';
import { containsPattern, jsonTextPattern } from '../like.ts';

export interface GoldenRecord {
  id: string;
  entity: string;
  version: number;
  body: Record<string, unknown>;
  displayName: string;
  naturalKey: string | null;
  sourceSystem: string;
  lineage: Record<string, unknown>;
  mergedInto: string | null;
  deleted: boolean;
  createdAt: string;
  updatedAt: string;
}

interface GoldenRow {
  id: string;
  entity: string;
  version: number;
  body: Record<string, unknown>;
  display_name: string;
  natural_key: string | null;
  source_system: string;
  lineage: Record<string, unknown>;
  merged_into: string | null;
  deleted: boolean;
  created_at: string;
  updated_at: string;
}

/** A golden record without its lineage, for readers that only write or test its values. */
export type GoldenBody = Omit<GoldenRecord, 'lineage'>;

const toGoldenBody = (row: Omit<GoldenRow, 'lineage'>): GoldenBody => ({
  id: row.id,
  entity: row.entity,
  version: row.version,
  body: row.body,
  displayName: row.display_name,
  naturalKey: row.natural_key,
  sourceSystem: row.source_system,
  mergedInto: row.merged_into,
  deleted: row.deleted,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

export const toGolden = (row: GoldenRow): GoldenRecord => ({ ...toGoldenBody(row), lineage: row.lineage });

/** With `lock`, the rows stay locked until the caller's transaction ends (concurrent writers queue). */
export async function goldenByIds(
  db: Queryable,
  ids: string[],
  options: { lock?: boolean } = {},
): Promise<Map<string, GoldenRecord>> {
  if (ids.length === 0) return new Map();
  const lock = options.lock ? ' ORDER BY id FOR UPDATE' : '';
  const { rows } = await db.query<GoldenRow>(
    `SELECT * FROM golden_records WHERE id = ANY($1::uuid[])${lock}`,
    [ids],
  );
  return new Map(rows.map((row) => [row.id, toGolden(row)]));
}

/** Like goldenByIds without the lineage, which is larger than the body and costs a parse per record. */
export async function goldenBodiesByIds(db: Queryable, ids: string[]): Promise<Map<string, GoldenBody>> {
  if (ids.length === 0) return new Map();
  const { rows } = await db.query<Omit<GoldenRow, 'lineage'>>(
    `SELECT id, entity, version, body, display_name, natural_key, source_system, merged_into, deleted, created_at, updated_at
     FROM golden_records WHERE id = ANY($1::uuid[])`,
    [ids],
  );
  return new Map(rows.map((row) => [row.id, toGoldenBody(row)]));
}

export interface GoldenRowWrite {
  id: string;
  version: number;
  body: Record<string, unknown>;
  lineage: Record<string, unknown>;
  /** The id is new (made for this write): a plain insert, without the cost of a conflict check. */
  minted: boolean;
}

/** Who writes golden records, of which entity, and when. */
export interface GoldenWriteSource {
  entity: CanonicalEntity;
  sourceSystem: string;
  at: string;
}

/** Inserts or replaces golden records of one entity, written by one source at one time. */
export async function insertGoldenRows(
  tx: Queryable,
  write: GoldenWriteSource,
  rows: GoldenRowWrite[],
): Promise<void> {
  const minted = rows.filter((row) => row.minted);
  const existing = rows.filter((row) => !row.minted);
  if (minted.length > 0) await insertGolden(tx, write, minted, '');
  if (existing.length > 0)
    await insertGolden(
      tx,
      write,
      existing,
      `ON CONFLICT (id) DO UPDATE SET version = EXCLUDED.version, body = EXCLUDED.body, display_name = EXCLUDED.display_name,
         natural_key = EXCLUDED.natural_key, source_system = EXCLUDED.source_system, lineage = EXCLUDED.lineage,
         updated_at = EXCLUDED.updated_at, deleted = false`,
    );
}

async function insertGolden(
  tx: Queryable,
  write: GoldenWriteSource,
  rows: GoldenRowWrite[],
  onConflict: string,
): Promise<void> {
  await tx.query(
    `INSERT INTO golden_records (id, entity, version, body, display_name, natural_key, source_system, lineage, updated_at)
     SELECT id, $2, version, body, display_name, natural_key, $3, lineage, $4::timestamptz
     FROM jsonb_to_recordset($1::jsonb) AS r(id uuid, version int, body jsonb, display_name text, natural_key text, lineage jsonb)
     ${onConflict}`,
    [
      JSON.stringify(
        rows.map((row) => {
          const keys = keyColumnsOf(write.entity, row.body);
          return {
            id: row.id,
            version: row.version,
            body: row.body,
            display_name: keys.displayName,
            natural_key: keys.naturalKey ?? null,
            lineage: row.lineage,
          };
        }),
      ),
      write.entity,
      write.sourceSystem,
      write.at,
    ],
  );
}

/** A record by id, following merge redirects to the surviving record. */
export async function getGolden(db: Queryable, id: string): Promise<GoldenRecord | undefined> {
  let current = id;
  for (let hops = 0; hops < 10; hops++) {
    const { rows } = await db.query<GoldenRow>('SELECT * FROM golden_records WHERE id = $1', [current]);
    const row = rows[0];
    if (!row) return undefined;
    if (!row.merged_into) return toGolden(row);
    current = row.merged_into;
  }
  return undefined;
}

export interface GoldenQuery {
  entity: string;
  q?: string;
  limit: number;
  offset: number;
}

/** Live golden records of an entity, by display name; `q` is found in the name, key or body. */
export function goldenSearchSource(entity: string, q: string | undefined): KeysetSource {
  const needle = q?.toLowerCase();
  return {
    from: 'golden_records',
    where: `entity = $1 AND merged_into IS NULL AND NOT deleted
      AND ($2::text IS NULL OR lower(display_name) LIKE $2 OR lower(coalesce(natural_key, '')) LIKE $2 OR lower(body::text) LIKE $3)`,
    params: [entity, needle ? containsPattern(needle) : null, needle ? jsonTextPattern(needle) : null],
    columns: '*',
    sort: { column: 'display_name', asText: 'display_name', cast: '::text' },
  };
}

export async function searchGolden(
  db: Queryable,
  query: GoldenQuery,
): Promise<{ items: GoldenRecord[]; total: number }> {
  const { items, total } = await keysetPage<GoldenRow>(db, goldenSearchSource(query.entity, query.q), query);
  return { items: items.map(toGolden), total };
}

export interface ChangeLogEntry {
  seq: number;
  entity: string;
  canonicalId: string;
  version: number;
  operation: string;
  body: Record<string, unknown> | null;
  changedFields: string[];
  sourceSystem: string;
  createdAt: string;
}

export async function changeLogOf(db: Queryable, canonicalId: string): Promise<ChangeLogEntry[]> {
  const { rows } = await db.query<{
    seq: number;
    entity: string;
    canonical_id: string;
    version: number;
    operation: string;
    body: Record<string, unknown> | null;
    changed_fields: string[];
    source_system: string;
    created_at: string;
  }>('SELECT * FROM change_log WHERE canonical_id = $1 ORDER BY seq', [canonicalId]);
  return rows.map((row) => ({
    seq: row.seq,
    entity: row.entity,
    canonicalId: row.canonical_id,
    version: row.version,
    operation: row.operation,
    body: row.body,
    changedFields: row.changed_fields,
    sourceSystem: row.source_system,
    createdAt: row.created_at,
  }));
}
