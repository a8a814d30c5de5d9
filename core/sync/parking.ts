import { randomUUID } from 'node:crypto';
import { HubError } from '../errors/index.ts';
import { describePendingRefs, type PendingRef } from '../mapping/index.ts';
import type { Queryable } from '../store/db.ts';
import { recordFailure } from './failures.ts';

export interface ParkedRow {
  connectionId: string;
  stream: string;
  externalId: string;
  raw: unknown;
}

/** A record to park, with the label of the mapping it was mapped with (filed if it expires). */
export interface RecordToPark extends ParkedRow {
  mappingVersion: string;
}

/**
 * Parks a record whose references have not arrived; it is retried when they do. A record parked
 * again replaces its earlier copy: what it waited for before may not be what its newest copy needs.
 */
export async function parkRecord(tx: Queryable, row: RecordToPark, refs: PendingRef[]): Promise<void> {
  await unparkRecords(tx, row.connectionId, row.stream, [row.externalId]);
  for (const ref of refs) {
    const key = ref.direction === 'in' ? ref.externalId : ref.canonicalId;
    await tx.query(
      `INSERT INTO pending_refs (id, connection_id, stream, external_id, ref_entity, ref_key, field_path, raw, mapping_version)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       ON CONFLICT (connection_id, stream, external_id, ref_entity, ref_key)
       DO UPDATE SET raw = EXCLUDED.raw, mapping_version = EXCLUDED.mapping_version`,
      [
        randomUUID(),
        row.connectionId,
        row.stream,
        row.externalId,
        ref.entity,
        key,
        ref.fieldPath,
        JSON.stringify(row.raw),
        row.mappingVersion,
      ],
    );
  }
}

export async function unparkRecords(
  tx: Queryable,
  connectionId: string,
  stream: string,
  externalIds: string[],
): Promise<void> {
  if (externalIds.length === 0) return;
  await tx.query(
    'DELETE FROM pending_refs WHERE connection_id = $1 AND stream = $2 AND external_id = ANY($3::text[])',
    [connectionId, stream, externalIds],
  );
}

/**
 * The records one run parked. Released later in the same run, they move out of the run's pending
 * count; records parked before the run count as released instead, as the run never read them.
 */
export function createParkedInRun() {
  const keys = new Set<string>();
  const keyOf = (stream: string, externalId: string) => JSON.stringify([stream, externalId]);
  return {
    add(stream: string, externalIds: string[]): void {
      for (const externalId of externalIds) keys.add(keyOf(stream, externalId));
    },
    /** Forgets these records and tells how many of them this run had parked. */
    take(stream: string, externalIds: string[]): number {
      return externalIds.filter((externalId) => keys.delete(keyOf(stream, externalId))).length;
    },
  };
}

export type ParkedInRun = ReturnType<typeof createParkedInRun>;

/** Parked records of a connection that wait for any of these records of `entity`. */
export async function parkedWaitingFor(
  db: Queryable,
  connectionId: string,
  entity: string,
  externalIds: string[],
): Promise<Map<string, ParkedRow[]>> {
  if (externalIds.length === 0) return new Map();
  const { rows } = await db.query<{ stream: string; external_id: string; raw: unknown }>(
    `SELECT DISTINCT ON (stream, external_id) stream, external_id, raw FROM pending_refs
     WHERE connection_id = $1 AND ref_entity = $2 AND ref_key = ANY($3::text[]) ORDER BY stream, external_id`,
    [connectionId, entity, externalIds],
  );
  const byStream = new Map<string, ParkedRow[]>();
  for (const row of rows) {
    const list = byStream.get(row.stream) ?? [];
    list.push({ connectionId, stream: row.stream, externalId: row.external_id, raw: row.raw });
    byStream.set(row.stream, list);
  }
  return byStream;
}

/**
 * Which of these parked records of a stream wait for nothing any more: every record they wait for
 * is linked in the xref now (written since the record was mapped).
 */
export async function parkedNowResolvable(
  db: Queryable,
  connectionId: string,
  stream: string,
  externalIds: string[],
): Promise<ParkedRow[]> {
  if (externalIds.length === 0) return [];
  const { rows } = await db.query<{ external_id: string; raw: unknown }>(
    `SELECT p.external_id, (array_agg(p.raw))[1] AS raw FROM pending_refs p
       LEFT JOIN xref x ON x.entity = p.ref_entity AND x.connection_id = p.connection_id AND x.external_id = p.ref_key
     WHERE p.connection_id = $1 AND p.stream = $2 AND p.external_id = ANY($3::text[])
     GROUP BY p.external_id HAVING bool_and(x.canonical_id IS NOT NULL) ORDER BY p.external_id`,
    [connectionId, stream, externalIds],
  );
  return rows.map((row) => ({ connectionId, stream, externalId: row.external_id, raw: row.raw }));
}

/**
 * Records that waited longer than `maxWaitMs` go to failed_syncs as missing references. A paused
 * connection's records are left waiting: nothing of it is read that could link them, and its
 * resume moves their wait on by the pause (so the pause is not counted).
 */
export async function expireParked(db: Queryable, maxWaitMs: number): Promise<number> {
  const { rows } = await db.query<{
    connection_id: string;
    stream: string;
    external_id: string;
    raw: unknown;
    refs: Array<{ entity: string; key: string; fieldPath: string }>;
    first_seen: string;
    mapping_version: string | null;
  }>(
    `SELECT connection_id, stream, external_id, (array_agg(raw))[1] AS raw, min(first_seen) AS first_seen,
       (array_agg(mapping_version))[1] AS mapping_version,
       jsonb_agg(jsonb_build_object('entity', ref_entity, 'key', ref_key, 'fieldPath', field_path)) AS refs
     FROM pending_refs
     WHERE connection_id NOT IN (SELECT id FROM connections WHERE status = 'disabled')
     GROUP BY connection_id, stream, external_id
     HAVING min(first_seen) < now() - $1 * interval '1 millisecond'`,
    [maxWaitMs],
  );
  for (const row of rows) {
    const refs: PendingRef[] = row.refs.map((ref) => ({
      direction: 'in',
      entity: ref.entity,
      externalId: ref.key,
      fieldPath: ref.fieldPath,
    }));
    const waited = Date.now() - Date.parse(row.first_seen);
    const error = new HubError('not_found', 'pending_reference_timeout', describePendingRefs(refs, waited), {
      fieldPath: refs[0]?.fieldPath,
    });
    await db.query('DELETE FROM pending_refs WHERE connection_id = $1 AND stream = $2 AND external_id = $3', [
      row.connection_id,
      row.stream,
      row.external_id,
    ]);
    await recordFailure(db, {
      connectionId: row.connection_id,
      stream: row.stream,
      direction: 'in',
      externalId: row.external_id,
      rawPayload: row.raw,
      error,
      mappingVersion: row.mapping_version ?? undefined,
    });
  }
  return rows.length;
}
