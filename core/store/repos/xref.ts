import { HubError } from '../../errors/index.ts';
import type { Queryable } from '../db.ts';

export interface XrefLink {
  entity: string;
  canonicalId: string;
  connectionId: string;
  externalId: string;
}

interface XrefRow {
  entity: string;
  canonical_id: string;
  connection_id: string;
  external_id: string;
}

/** An existing link in the way, with the link that wanted its place. */
type ConflictRow = XrefRow & { wanted_canonical: string; wanted_external: string };

const toLink = (row: XrefRow): XrefLink => ({
  entity: row.entity,
  canonicalId: row.canonical_id,
  connectionId: row.connection_id,
  externalId: row.external_id,
});

/**
 * Links the links in one statement. Re-linking the same pair is a no-op; a link that would give an
 * external id a second canonical record (or a canonical record a second id in one system) is a
 * conflict named in plain words, and nothing is written: the statement inserts only when it found
 * no conflict, so the check costs no round trip of its own.
 */
export async function linkXrefs(db: Queryable, links: XrefLink[]): Promise<void> {
  if (links.length === 0) return;
  const wanted = JSON.stringify(
    links.map((l) => ({
      entity: l.entity,
      canonical_id: l.canonicalId,
      connection_id: l.connectionId,
      external_id: l.externalId,
    })),
  );
  // Two joins, each on one of the unique indexes, rather than one join on an OR that no index serves.
  const { rows } = await db.query<ConflictRow>(
    `WITH w AS (SELECT * FROM jsonb_to_recordset($1::jsonb) AS w(entity text, canonical_id uuid, connection_id text, external_id text)),
     conflict AS (
       (SELECT x.entity, x.canonical_id, x.connection_id, x.external_id, w.canonical_id::text AS wanted_canonical, w.external_id AS wanted_external FROM w
         JOIN xref x ON x.entity = w.entity AND x.connection_id = w.connection_id AND x.external_id = w.external_id
         WHERE x.canonical_id <> w.canonical_id LIMIT 1)
       UNION ALL
       (SELECT x.entity, x.canonical_id, x.connection_id, x.external_id, w.canonical_id::text, w.external_id FROM w
         JOIN xref x ON x.entity = w.entity AND x.canonical_id = w.canonical_id AND x.connection_id = w.connection_id
         WHERE x.external_id <> w.external_id LIMIT 1)
       LIMIT 1),
     added AS (
       INSERT INTO xref (entity, canonical_id, connection_id, external_id)
       SELECT entity, canonical_id, connection_id, external_id FROM w WHERE NOT EXISTS (SELECT 1 FROM conflict)
       ON CONFLICT DO NOTHING)
     SELECT * FROM conflict`,
    [wanted],
  );
  const row = rows[0];
  if (row) throw conflictError(row);
}

function conflictError(row: ConflictRow): HubError {
  const sameExternal = row.external_id === row.wanted_external;
  const message = sameExternal
    ? `xref conflict: ${row.entity} ${row.external_id} in connection ${row.connection_id} is already linked to ${row.canonical_id}, cannot link it to ${row.wanted_canonical}`
    : `xref conflict: ${row.entity} ${row.canonical_id} already has id ${row.external_id} in connection ${row.connection_id}, cannot also link ${row.wanted_external}`;
  return new HubError('conflict', 'xref_conflict', message, { details: { existing: toLink(row) } });
}

/** external id → canonical id for one connection and entity. */
export async function canonicalIdsFor(db: Queryable, entity: string, connectionId: string, externalIds: string[]): Promise<Map<string, string>> {
  if (externalIds.length === 0) return new Map();
  const { rows } = await db.query<{ external_id: string; canonical_id: string }>(
    'SELECT external_id, canonical_id FROM xref WHERE entity = $1 AND connection_id = $2 AND external_id = ANY($3::text[])',
    [entity, connectionId, externalIds],
  );
  return new Map(rows.map((row) => [row.external_id, row.canonical_id]));
}

/** canonical id → the connection's external id. */
export async function externalIdsFor(db: Queryable, entity: string, connectionId: string, canonicalIds: string[]): Promise<Map<string, string>> {
  if (canonicalIds.length === 0) return new Map();
  const { rows } = await db.query<{ external_id: string; canonical_id: string }>(
    'SELECT external_id, canonical_id FROM xref WHERE entity = $1 AND connection_id = $2 AND canonical_id = ANY($3::uuid[])',
    [entity, connectionId, canonicalIds],
  );
  return new Map(rows.map((row) => [row.canonical_id, row.external_id]));
}

export async function xrefsOf(db: Queryable, canonicalId: string): Promise<XrefLink[]> {
  const { rows } = await db.query<XrefRow>('SELECT * FROM xref WHERE canonical_id = $1 ORDER BY connection_id', [canonicalId]);
  return rows.map(toLink);
}

/** Points every xref of `fromId` at `toId` (after a merge) and returns the moved links. */
export async function repointXrefs(db: Queryable, fromId: string, toId: string): Promise<XrefLink[]> {
  const { rows } = await db.query<XrefRow>('UPDATE xref SET canonical_id = $2 WHERE canonical_id = $1 RETURNING *', [fromId, toId]);
  return rows.map(toLink);
}
