import { surviveRecords } from '../../mdm/service/survivorship.ts';
import { indexGoldenRecords } from '../../mdm/store/blocking-index.ts';
import type { Queryable } from '../db.ts';
import { changedKeys } from '../hash.ts';
import { appendChangeRows } from './change-rows.ts';
import { goldenByIds, insertGoldenRows } from './golden.ts';
import type { PageWrite, WrittenRecord } from './master-data.ts';

/**
 * A source delete marks the source record. The golden record goes when no live source is left;
 * otherwise its fields are decided again by the sources still there, so that nothing the deleted
 * source alone contributed stays in it.
 */
export async function markDeleted(tx: Queryable, page: PageWrite, now: string): Promise<WrittenRecord[]> {
  const ids = page.deletedExternalIds ?? [];
  if (ids.length === 0) return [];
  const { rows } = await tx.query<{ external_id: string; canonical_id: string }>(
    `UPDATE source_records SET deleted = true, updated_at = now()
     WHERE connection_id = $1 AND stream = $2 AND external_id = ANY($3::text[]) AND NOT deleted
     RETURNING external_id, canonical_id`,
    [page.connectionId, page.stream, ids],
  );
  const { rows: orphaned } = await tx.query<{ id: string; version: number }>(
    `UPDATE golden_records g SET deleted = true, version = version + 1, updated_at = $2::timestamptz
     WHERE g.id = ANY($1::uuid[]) AND NOT g.deleted
       AND NOT EXISTS (SELECT 1 FROM source_records s WHERE s.canonical_id = g.id AND NOT s.deleted)
     RETURNING id, version`,
    [rows.map((row) => row.canonical_id), now],
  );
  await appendChangeRows(
    tx,
    page.entity,
    page.connectionId,
    orphaned.map((row) => ({
      canonical_id: row.id,
      version: row.version,
      operation: 'delete',
      body: null,
      changed_fields: [],
    })),
  );
  const versions = new Map(orphaned.map((row) => [row.id, row.version]));
  const remaining = [...new Set(rows.map((row) => row.canonical_id))].filter((id) => !versions.has(id));
  for (const [id, version] of await surviveWithoutDeleted(tx, page, remaining, now))
    versions.set(id, version);
  return rows.map((row) => ({
    externalId: row.external_id,
    canonicalId: row.canonical_id,
    version: versions.get(row.canonical_id) ?? 0,
    outcome: 'deleted',
    changedFields: [],
  }));
}

/** Golden records that keep live sources, decided again by them; returns the new versions. */
async function surviveWithoutDeleted(
  tx: Queryable,
  page: PageWrite,
  ids: string[],
  now: string,
): Promise<Map<string, number>> {
  if (ids.length === 0) return new Map();
  const [current, survived] = await Promise.all([
    goldenByIds(tx, ids, { lock: true }),
    surviveRecords(tx, page.entity, ids),
  ]);
  const changed = [...survived].flatMap(([id, next]) => {
    const golden = current.get(id);
    if (!golden || golden.deleted || golden.mergedInto) return [];
    const fields = changedKeys(golden.body, next.body);
    return fields.length > 0 ? [{ id, version: golden.version + 1, next, fields }] : [];
  });
  if (changed.length === 0) return new Map();
  await insertGoldenRows(
    tx,
    { entity: page.entity, sourceSystem: page.connectionId, at: now },
    changed.map(({ id, version, next }) => ({
      id,
      version,
      body: next.body,
      lineage: next.lineage,
      minted: false,
    })),
  );
  await indexGoldenRecords(
    tx,
    page.entity,
    changed.map(({ id, next }) => ({ id, body: next.body })),
  );
  await appendChangeRows(
    tx,
    page.entity,
    page.connectionId,
    changed.map(({ id, version, next, fields }) => ({
      canonical_id: id,
      version,
      operation: 'update',
      body: next.body,
      changed_fields: fields,
    })),
  );
  return new Map(changed.map(({ id, version }) => [id, version]));
}
