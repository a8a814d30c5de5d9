import type { Queryable } from '../../store/db.ts';

export type GoldenRows = Record<string, Array<{ id: string; body: Record<string, unknown> }>>;

/**
 * For the service tests: a read-only golden-record store answering loadEntity's query with the
 * rows of the entity asked for, in the order given.
 */
export function fakeGoldenDb(records: GoldenRows): Queryable {
  return {
    async query<R>(_sql: string, params?: unknown[]) {
      const entity = String(params?.[0]);
      const rows = (records[entity] ?? []).map((record) => ({
        id: record.id,
        version: 1,
        body: record.body,
      }));
      return { rows: rows as R[], rowCount: rows.length };
    },
    async exec() {},
  };
}
