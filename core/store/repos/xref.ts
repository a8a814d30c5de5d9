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

const linkKey = (link: XrefRow) =>
  `${link.entity}\u0000${link.canonical_id}\u0000${link.connection_id}\u0000${link.external_id}`;

const toRow = (link: XrefLink): XrefRow => ({
  entity: link.entity,
  canonical_id: link.canonicalId,
  connection_id: link.connectionId,
  external_id: link.externalId,
});

/**
 * Links the links. Re-linking the same pair is a no-op; a link that would give an external id a
 * second canonical record (or a canonical record a second id in one system), also within the
 * batch, is a conflict named in plain words, and nothing is written. The insert itself probes both
 * unique indexes, so only the links it skipped are looked at again: when all are new, nothing more.
 */
export async function linkXrefs(db: Queryable, links: XrefLink[]): Promise<void> {
  const { inserted, conflicts } = await insertLinks(db, links);
  if (conflicts.length === 0) return;
  await deleteRows(db, inserted);
  throw conflicts[0]!.error;
}

/** Removes exactly these links (a link that has changed since is left alone). */
export async function unlinkXrefs(db: Queryable, links: XrefLink[]): Promise<void> {
  await deleteRows(db, links.map(toRow));
}

async function deleteRows(db: Queryable, rows: XrefRow[]): Promise<void> {
  if (rows.length === 0) return;
  await db.query(
    `DELETE FROM xref x USING jsonb_to_recordset($1::jsonb) AS w(entity text, canonical_id uuid, connection_id text, external_id text)
     WHERE x.entity = w.entity AND x.canonical_id = w.canonical_id AND x.connection_id = w.connection_id AND x.external_id = w.external_id`,
    [JSON.stringify(rows)],
  );
}

/**
 * Links what it can and returns the links it could not, each with the conflict that stopped it
 * (an existing link, or an earlier link of the same call): one bad link does not hold up the others.
 */
export async function linkXrefsWhereFree(
  db: Queryable,
  links: XrefLink[],
): Promise<Array<{ link: XrefLink; error: HubError }>> {
  return (await insertLinks(db, links)).conflicts;
}

async function insertLinks(db: Queryable, links: XrefLink[]) {
  if (links.length === 0) return { inserted: [], conflicts: [] };
  const wanted = links.map(toRow);
  const { rows: inserted } = await db.query<XrefRow>(
    `INSERT INTO xref (entity, canonical_id, connection_id, external_id)
     SELECT * FROM unnest($1::text[], $2::uuid[], $3::text[], $4::text[])
     ON CONFLICT DO NOTHING
     RETURNING entity, canonical_id, connection_id, external_id`,
    [
      wanted.map((row) => row.entity),
      wanted.map((row) => row.canonical_id),
      wanted.map((row) => row.connection_id),
      wanted.map((row) => row.external_id),
    ],
  );
  if (inserted.length === wanted.length) return { inserted, conflicts: [] };
  const added = new Set(inserted.map(linkKey));
  const skipped = wanted.filter((row) => !added.has(linkKey(row)));
  const blocking = await conflictsOf(db, skipped);
  const conflicts = skipped.flatMap((row) => {
    const conflict = blocking.find(
      (found) => found.wanted_canonical === row.canonical_id && found.wanted_external === row.external_id,
    );
    return conflict ? [{ link: toLink(row), error: conflictError(conflict) }] : [];
  });
  return { inserted, conflicts };
}

/** Existing links in the way of `wanted` (a link already there as wanted is no conflict). */
async function conflictsOf(db: Queryable, wanted: XrefRow[]): Promise<ConflictRow[]> {
  // Two joins, each on one of the unique indexes, rather than one join on an OR that no index serves.
  const { rows } = await db.query<ConflictRow>(
    `WITH w AS (SELECT * FROM jsonb_to_recordset($1::jsonb) AS w(entity text, canonical_id uuid, connection_id text, external_id text))
     SELECT x.entity, x.canonical_id, x.connection_id, x.external_id, w.canonical_id::text AS wanted_canonical, w.external_id AS wanted_external FROM w
       JOIN xref x ON x.entity = w.entity AND x.connection_id = w.connection_id AND x.external_id = w.external_id
       WHERE x.canonical_id <> w.canonical_id
     UNION ALL
     SELECT x.entity, x.canonical_id, x.connection_id, x.external_id, w.canonical_id::text, w.external_id FROM w
       JOIN xref x ON x.entity = w.entity AND x.canonical_id = w.canonical_id AND x.connection_id = w.connection_id
       WHERE x.external_id <> w.external_id`,
    [JSON.stringify(wanted)],
  );
  return rows;
}

function conflictError(row: ConflictRow): HubError {
  const sameExternal = row.external_id === row.wanted_external;
  const message = sameExternal
    ? `xref conflict: ${row.entity} ${row.external_id} in connection ${row.connection_id} is already linked to ${row.canonical_id}, cannot link it to ${row.wanted_canonical}`
    : `xref conflict: ${row.entity} ${row.canonical_id} already has id ${row.external_id} in connection ${row.connection_id}, cannot also link ${row.wanted_external}`;
  return new HubError('conflict', 'xref_conflict', message, { details: { existing: toLink(row) } });
}

/** A record's id in one connection's stream went from `fromExternalId` to `externalId`. */
export interface IdMove {
  canonicalId: string;
  fromExternalId: string;
  externalId: string;
}

/** The connection's stream (and its entity) whose record ids move. */
export interface IdMoveScope {
  entity: string;
  connectionId: string;
  stream: string;
}

type XrefMove = XrefLink & IdMove;

/**
 * Moves records to the new ids that replaced their old ones (an ERPNext amendment stands in for
 * the document it cancelled), for the hub's own writes and for reads alike. The link moves where
 * the record is still linked to the old id and no record holds the new one; with it move the
 * record's source row of this stream, so that the new id read is the record it was, with one
 * source here, and what was written to the old id (echoes of it are still the hub's own), unless
 * the new id has its own. A move left out (the new id is linked already, the link changed since)
 * changes nothing: the caller links, or refuses, the new id as a new link. Returns the canonical
 * ids moved.
 */
export async function moveRecordIds(
  db: Queryable,
  scope: IdMoveScope,
  moves: IdMove[],
): Promise<Set<string>> {
  const { entity, connectionId, stream } = scope;
  const links = await moveXrefs(
    db,
    moves.map((move) => ({ ...move, entity, connectionId })),
  );
  const movedIds = new Set(links.map((link) => link.canonicalId));
  const moved = moves.filter((move) => movedIds.has(move.canonicalId));
  if (moved.length === 0) return movedIds;
  const params = [
    connectionId,
    stream,
    JSON.stringify(
      moved.map((move) => ({
        canonical_id: move.canonicalId,
        from_external: move.fromExternalId,
        to_external: move.externalId,
      })),
    ),
  ];
  for (const table of ['source_records', 'last_written'])
    await db.query(
      `UPDATE ${table} s SET external_id = m.to_external
       FROM jsonb_to_recordset($3::jsonb) AS m(canonical_id uuid, from_external text, to_external text)
       WHERE s.connection_id = $1 AND s.stream = $2 AND s.external_id = m.from_external AND s.canonical_id = m.canonical_id
         AND NOT EXISTS (SELECT 1 FROM ${table} t WHERE t.connection_id = $1 AND t.stream = $2 AND t.external_id = m.to_external)`,
      params,
    );
  await db.query(
    'DELETE FROM last_written WHERE connection_id = $1 AND stream = $2 AND external_id = ANY($3::text[])',
    [connectionId, stream, moved.map((move) => move.fromExternalId)],
  );
  return movedIds;
}

/**
 * Moves each record's link from its old id to its new one, where the record is still linked to the
 * old id and no record holds the new one; returns the links moved.
 */
async function moveXrefs(db: Queryable, moves: XrefMove[]): Promise<XrefLink[]> {
  // Two moves to one new id would break its unique index mid-statement: only the first is tried.
  const seen = new Set<string>();
  const tried = moves.filter((move) => {
    const key = `${move.entity}\u0000${move.connectionId}\u0000${move.externalId}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  if (tried.length === 0) return [];
  const { rows } = await db.query<XrefRow>(
    `WITH m AS (SELECT * FROM jsonb_to_recordset($1::jsonb) AS m(entity text, canonical_id uuid, connection_id text, from_external text, to_external text))
     UPDATE xref x SET external_id = m.to_external FROM m
     WHERE x.entity = m.entity AND x.canonical_id = m.canonical_id AND x.connection_id = m.connection_id
       AND x.external_id = m.from_external
       AND NOT EXISTS (SELECT 1 FROM xref y WHERE y.entity = m.entity AND y.connection_id = m.connection_id AND y.external_id = m.to_external)
     RETURNING x.entity, x.canonical_id::text AS canonical_id, x.connection_id, x.external_id`,
    [
      JSON.stringify(
        tried.map((move) => ({
          entity: move.entity,
          canonical_id: move.canonicalId,
          connection_id: move.connectionId,
          from_external: move.fromExternalId,
          to_external: move.externalId,
        })),
      ),
    ],
  );
  return rows.map(toLink);
}

/** external id → canonical id for one connection and entity. */
export async function canonicalIdsFor(
  db: Queryable,
  entity: string,
  connectionId: string,
  externalIds: string[],
): Promise<Map<string, string>> {
  if (externalIds.length === 0) return new Map();
  const { rows } = await db.query<{ external_id: string; canonical_id: string }>(
    'SELECT external_id, canonical_id FROM xref WHERE entity = $1 AND connection_id = $2 AND external_id = ANY($3::text[])',
    [entity, connectionId, externalIds],
  );
  return new Map(rows.map((row) => [row.external_id, row.canonical_id]));
}

/** canonical id → the connection's external id. */
export async function externalIdsFor(
  db: Queryable,
  entity: string,
  connectionId: string,
  canonicalIds: string[],
): Promise<Map<string, string>> {
  if (canonicalIds.length === 0) return new Map();
  const { rows } = await db.query<{ external_id: string; canonical_id: string }>(
    'SELECT external_id, canonical_id FROM xref WHERE entity = $1 AND connection_id = $2 AND canonical_id = ANY($3::uuid[])',
    [entity, connectionId, canonicalIds],
  );
  return new Map(rows.map((row) => [row.canonical_id, row.external_id]));
}

export async function xrefsOf(db: Queryable, canonicalId: string): Promise<XrefLink[]> {
  const { rows } = await db.query<XrefRow>(
    'SELECT * FROM xref WHERE canonical_id = $1 ORDER BY connection_id',
    [canonicalId],
  );
  return rows.map(toLink);
}

/** Points every xref of `fromId` at `toId` (after a merge) and returns the moved links. */
export async function repointXrefs(db: Queryable, fromId: string, toId: string): Promise<XrefLink[]> {
  const { rows } = await db.query<XrefRow>(
    'UPDATE xref SET canonical_id = $2 WHERE canonical_id = $1 RETURNING *',
    [fromId, toId],
  );
  return rows.map(toLink);
}
