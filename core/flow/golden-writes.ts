import { createHash } from 'node:crypto';
import type { CanonicalEntity } from '../connector/types.ts';
import { HubError } from '../errors/index.ts';
import { validateEntity } from '../model/entities.ts';
import type { Db, Queryable } from '../store/db.ts';
import { changedKeys } from '../store/hash.ts';
import { appendChangeRows } from '../store/repos/change-rows.ts';
import { insertGoldenRows } from '../store/repos/golden.ts';

/** A UUID derived from its parts (name-based, like v5): the same parts give the same id on every replay. */
export function deterministicId(...parts: string[]): string {
  const hex = createHash('sha256').update(parts.join('\u0000')).digest('hex');
  const variant = ((Number.parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export interface HubWrite {
  entity: CanonicalEntity;
  id: string;
  /** Who changed it, e.g. `flow:lead-to-cash`; connections whose id differs receive the change. */
  source: string;
}

export interface SavedRecord {
  id: string;
  version: number;
  changed: boolean;
  body: Record<string, unknown>;
}

interface CurrentRow {
  version: number;
  body: Record<string, unknown>;
  lineage: Record<string, unknown>;
}

/**
 * Writes a golden record the hub itself authors or annotates: `build` gets the current body (or
 * undefined) and answers the new one, which must pass the canonical schema. Fields the schema does
 * not know (hub annotations such as `toc`) are kept. An unchanged body writes nothing.
 */
export async function writeHubRecord(
  db: Db,
  write: HubWrite,
  build: (
    current: Record<string, unknown> | undefined,
    tx: Queryable,
  ) => Record<string, unknown> | Promise<Record<string, unknown>>,
): Promise<SavedRecord> {
  return db.transaction(async (tx) => {
    const { rows } = await tx.query<CurrentRow>(
      'SELECT version, body, lineage FROM golden_records WHERE id = $1 AND NOT deleted FOR UPDATE',
      [write.id],
    );
    const current = rows[0];
    const body = await build(current?.body, tx);
    validateEntity(write.entity, body, write.id);
    const changedFields = changedKeys(current?.body ?? {}, body);
    if (current && changedFields.length === 0)
      return { id: write.id, version: current.version, changed: false, body };
    const version = (current?.version ?? 0) + 1;
    const at = new Date().toISOString();
    const lineage = {
      ...current?.lineage,
      ...Object.fromEntries(changedFields.map((field) => [field, { connectionId: write.source, at }])),
    };
    await insertGoldenRows(tx, { entity: write.entity, sourceSystem: write.source, at }, [
      { id: write.id, version, body, lineage, minted: false },
    ]);
    await appendChangeRows(tx, write.entity, write.source, [
      {
        canonical_id: write.id,
        version,
        operation: current ? 'update' : 'create',
        body,
        changed_fields: changedFields,
      },
    ]);
    return { id: write.id, version, changed: true, body };
  });
}

/**
 * Sets fields of an existing golden record (a promise date, a buffer colour) as the hub; a field
 * the patch sets to undefined leaves the record. A patch
 * given as a function is worked out from the current body inside the writing transaction, with the
 * record's row locked.
 */
export function patchHubRecord(
  db: Db,
  write: HubWrite,
  patch:
    | Record<string, unknown>
    | ((current: Record<string, unknown>, tx: Queryable) => Promise<Record<string, unknown>>),
): Promise<SavedRecord> {
  return writeHubRecord(db, write, async (current, tx) => {
    if (!current)
      throw new HubError('not_found', 'record_not_found', `${write.entity} ${write.id} does not exist`);
    const merged = { ...current, ...(typeof patch === 'function' ? await patch(current, tx) : patch) };
    return Object.fromEntries(Object.entries(merged).filter(([, value]) => value !== undefined));
  });
}
