import { logger } from '../log/logger.ts';
import type { Db } from './db.ts';

/** The tables a sync grows by the thousand; their lookups take `= ANY($1)` arrays of a page's ids. */
const SYNC_TABLES = [
  'golden_records',
  'source_records',
  'xref',
  'mdm_blocking_keys',
  'last_written',
  'outbound_writes',
] as const;

export type SyncTable = (typeof SYNC_TABLES)[number];

/** The tables an inbound page writes into master data. */
export const INBOUND_TABLES: readonly SyncTable[] = [
  'golden_records',
  'source_records',
  'xref',
  'mdm_blocking_keys',
];
/** The tables a recorded outbound write grows. */
export const OUTBOUND_TABLES: readonly SyncTable[] = ['xref', 'last_written', 'outbound_writes'];

/** Re-analyze once the rows written since the last ANALYZE reach this share of the rows then. */
const GROWTH = 1;
/** A small sample: the planner needs row counts and spreads, not fine histograms (7x cheaper than 100). */
const STATISTICS_TARGET = 10;
const FIRST_AT = 2_000;

interface Keeper {
  written: number;
  threshold: number;
  running: boolean;
  /** Tables written since the last ANALYZE: the next one analyzes those. */
  tables: Set<SyncTable>;
}

const keepers = new WeakMap<Db, Keeper>();

/**
 * Keeps the planner's statistics in step with a bulk load. A table that grew from empty to 100,000
 * rows within one run still has the statistics of an empty table unless autovacuum happened to
 * analyze it in between (it may also be turned off): the planner then estimates one row for a
 * connection's records and filters a page's 1,000 ids against every row, which makes each page
 * slower than the one before. ANALYZE runs outside the caller's transaction, one at a time per
 * process, each time the rows written double. It analyzes the `tables` the writes noted since the
 * last one went to (all of the sync tables unless the caller says which): where the API and the
 * workers run apart, each process analyzes what it grows instead of both analyzing everything.
 */
export function noteRowsWritten(db: Db, rows: number, tables: readonly SyncTable[] = SYNC_TABLES): void {
  // The embedded store runs on one connection that a statement outside the transaction would wait for.
  if (rows <= 0 || db.driver !== 'postgres') return;
  let keeper = keepers.get(db);
  if (!keeper) {
    keeper = { written: 0, threshold: FIRST_AT, running: false, tables: new Set() };
    keepers.set(db, keeper);
  }
  keeper.written += rows;
  for (const table of tables) keeper.tables.add(table);
  if (keeper.running || keeper.written < keeper.threshold) return;
  const state = keeper;
  state.running = true;
  const total = state.written;
  const analyzed = SYNC_TABLES.filter((table) => state.tables.has(table));
  state.tables.clear();
  db.transaction(async (tx) => {
    await tx.exec(`SET LOCAL default_statistics_target = ${STATISTICS_TARGET}`);
    await tx.exec(`ANALYZE ${analyzed.join(', ')}`);
  })
    .then(() => {
      state.threshold = total + Math.max(FIRST_AT, total * GROWTH);
    })
    .catch((error: unknown) => {
      // Analyzed again with the next one.
      for (const table of analyzed) state.tables.add(table);
      logger.warn('ANALYZE after a bulk write failed', { error });
    })
    .finally(() => {
      state.running = false;
    });
}
