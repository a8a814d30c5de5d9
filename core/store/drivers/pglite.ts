import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { type Db, type Queryable, TYPE_OIDS, timestampToIso } from '../db.ts';

const parsers = {
  [TYPE_OIDS.int8]: (value: string) => Number(value),
  [TYPE_OIDS.date]: (value: string) => value,
  [TYPE_OIDS.timestamptz]: timestampToIso,
  [TYPE_OIDS.timestamp]: timestampToIso,
};

/** Embedded PostgreSQL (WASM) in a data folder, or in memory when `dataDir` is omitted. */
export async function createPgliteDb(dataDir?: string): Promise<Db> {
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const pglite = await PGlite.create(dataDir, { parsers });

  const wrap = (target: Pick<PGlite, 'query' | 'exec'>): Queryable => ({
    exec: async (sql) => {
      await target.exec(sql);
    },
    query: async (sql, params) => {
      const result = await target.query(sql, params as unknown[]);
      // PGlite reports 0 affected rows for a SELECT; PostgreSQL's row count is the rows it returned.
      return {
        rows: result.rows as never[],
        rowCount: Math.max(result.affectedRows ?? 0, result.rows.length),
      };
    },
  });

  return {
    driver: 'pglite',
    ...wrap(pglite),
    transaction: (fn) => pglite.transaction((tx) => fn(wrap(tx))),
    async listen(channel, onNotify) {
      const unlisten = await pglite.listen(channel, onNotify);
      return async () => unlisten();
    },
    async close() {
      await pglite.close();
    },
  };
}
