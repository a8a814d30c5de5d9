import type { CanonicalEntity } from '../../connector/types.ts';
import type { Queryable } from '../../store/db.ts';
import { insertGoldenRows } from '../../store/repos/golden.ts';

export type GoldenFixture = Partial<
  Record<CanonicalEntity, Array<{ id: string; body: Record<string, unknown> }>>
>;

/**
 * For the service tests: writes golden records into a real store as a sync leaves them (version 1,
 * live, not merged). Ids are uuids, and the records refer to each other by them.
 */
export async function seedGolden(db: Queryable, records: GoldenFixture): Promise<void> {
  const at = new Date().toISOString();
  for (const entity of Object.keys(records) as CanonicalEntity[]) {
    const rows = records[entity] ?? [];
    await insertGoldenRows(
      db,
      { entity, sourceSystem: 'test', at },
      rows.map((row) => ({ id: row.id, version: 1, body: row.body, lineage: {}, minted: true })),
    );
  }
}

/** Removes every golden record, so the next test seeds its own. */
export async function clearGolden(db: Queryable): Promise<void> {
  await db.query('DELETE FROM golden_records');
}

/** A purchased bolt kept to stock with a 10-day lead time: the item of the buffer tests. */
export function purchasedBolt(id: string) {
  return {
    id,
    body: {
      sku: 'BOLT',
      name: 'Bolt',
      uom: 'pcs',
      type: 'purchased',
      replenishment: 'make_to_stock',
      leadTimeDays: 10,
    },
  };
}
