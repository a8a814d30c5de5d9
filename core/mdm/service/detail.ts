import type { Queryable } from '../../store/db.ts';
import { type ChangeLogEntry, changeLogOf, type GoldenRecord, getGolden } from '../../store/repos/golden.ts';
import { type XrefLink, xrefsOf } from '../../store/repos/xref.ts';
import { type MatchRow, openMatchesOf } from '../store/matches.ts';
import { type MergeEntry, mergesOf } from '../store/merge-history.ts';

export interface SourceRecordView {
  connectionId: string;
  stream: string;
  externalId: string;
  raw: unknown;
  mapped: Record<string, unknown> | null;
  deleted: boolean;
  updatedAt: string;
}

export interface RecordDetail {
  record: GoldenRecord;
  /** The id asked for, when it was merged into `record`. */
  redirectedFrom?: string;
  /** Per golden field: the connection, external id and time its value came from. */
  lineage: Record<string, unknown>;
  sources: SourceRecordView[];
  xrefs: XrefLink[];
  history: ChangeLogEntry[];
  merges: Array<Omit<MergeEntry, 'snapshot'>>;
  openMatches: MatchRow[];
}

/** A golden record (following merges) with lineage, source records, xrefs, changes, merges and open reviews. */
export async function recordDetail(db: Queryable, id: string): Promise<RecordDetail | undefined> {
  const record = await getGolden(db, id);
  if (!record) return undefined;
  const [sources, xrefs, history, merges, openMatches] = await Promise.all([
    db.query<SourceRecordView>(
      `SELECT connection_id AS "connectionId", stream, external_id AS "externalId", raw, mapped, deleted, updated_at AS "updatedAt"
       FROM source_records WHERE canonical_id = $1 ORDER BY connection_id, stream, external_id`,
      [record.id],
    ),
    xrefsOf(db, record.id),
    changeLogOf(db, record.id),
    mergesOf(db, record.id),
    openMatchesOf(db, record.id),
  ]);
  return {
    record,
    ...(record.id === id ? {} : { redirectedFrom: id }),
    lineage: record.lineage,
    sources: sources.rows,
    xrefs,
    history,
    merges: merges.map(({ snapshot: _snapshot, ...entry }) => entry),
    openMatches,
  };
}
