import { randomUUID } from 'node:crypto';
import type { Queryable } from '../../store/db.ts';
import { type KeysetSource, keysetPage } from '../../store/keyset.ts';

/** Why a pair scored as it did: a rule, a field's similarity, a veto, or one connection on both sides. */
export type MatchReason =
  | { code: 'rule'; rule: string }
  | { code: 'field'; field: string; similarity: number }
  | { code: 'veto' }
  | { code: 'same_connection'; connectionId: string; externalIds: string[] };

export type MatchState = 'review' | 'approved' | 'rejected';

export interface MatchRow {
  id: string;
  entity: string;
  leftId: string;
  rightId: string;
  score: number;
  reasons: MatchReason[];
  state: MatchState;
  mergeId: string | null;
  createdAt: string;
  decidedAt: string | null;
  decidedBy: string | null;
}

export interface NewMatch {
  entity: string;
  leftId: string;
  rightId: string;
  score: number;
  reasons: MatchReason[];
}

const COLUMNS = `id, entity, left_id AS "leftId", right_id AS "rightId", score, reasons, state, merge_id AS "mergeId",
  created_at AS "createdAt", decided_at AS "decidedAt", decided_by AS "decidedBy"`;

/** Files pairs for review; a pair already filed (in either state, either order) stays as it is. */
export async function insertMatches(db: Queryable, matches: NewMatch[]): Promise<void> {
  if (matches.length === 0) return;
  await db.query(
    `INSERT INTO mdm_matches (id, entity, left_id, right_id, score, reasons, state)
     SELECT id, entity, left_id, right_id, score, reasons, 'review'
     FROM jsonb_to_recordset($1::jsonb) AS m(id uuid, entity text, left_id uuid, right_id uuid, score float8, reasons jsonb)
     ON CONFLICT (entity, least(left_id, right_id), greatest(left_id, right_id)) DO NOTHING`,
    [
      JSON.stringify(
        matches.map((m) => ({
          id: randomUUID(),
          entity: m.entity,
          left_id: m.leftId,
          right_id: m.rightId,
          score: m.score,
          reasons: m.reasons,
        })),
      ),
    ],
  );
}

export async function getMatch(
  db: Queryable,
  id: string,
  options: { lock?: boolean } = {},
): Promise<MatchRow | undefined> {
  const { rows } = await db.query<MatchRow>(
    `SELECT ${COLUMNS} FROM mdm_matches WHERE id = $1${options.lock ? ' FOR UPDATE' : ''}`,
    [id],
  );
  return rows[0];
}

export interface MatchFilter {
  state?: MatchState;
  entity?: string;
}

/** Pairs as the review queue lists them (oldest first, then by id) for the API's keyset pages. */
export function matchListSource(filter: MatchFilter): KeysetSource {
  return {
    from: 'mdm_matches',
    where: '($1::text IS NULL OR state = $1) AND ($2::text IS NULL OR entity = $2)',
    params: [filter.state ?? null, filter.entity ?? null],
    columns: COLUMNS,
    // Microseconds, as stored: a cursor must name the very instant, not a rounded one.
    sort: {
      column: 'created_at',
      asText: `to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`,
      cast: '::timestamptz',
    },
  };
}

export async function listMatches(
  db: Queryable,
  filter: MatchFilter & { limit: number; offset: number },
): Promise<{ items: MatchRow[]; total: number }> {
  const { items, total } = await keysetPage<MatchRow>(db, matchListSource(filter), filter);
  return { items, total };
}

export async function decideMatch(
  db: Queryable,
  id: string,
  decision: { state: Exclude<MatchState, 'review'>; actor: string; mergeId?: string },
): Promise<MatchRow> {
  const { rows } = await db.query<MatchRow>(
    `UPDATE mdm_matches SET state = $2, decided_by = $3, decided_at = now(), merge_id = $4 WHERE id = $1 RETURNING ${COLUMNS}`,
    [id, decision.state, decision.actor, decision.mergeId ?? null],
  );
  return rows[0]!;
}

/** Review pairs that name a record, for its detail page. */
export async function openMatchesOf(db: Queryable, canonicalId: string): Promise<MatchRow[]> {
  const { rows } = await db.query<MatchRow>(
    `SELECT ${COLUMNS} FROM mdm_matches WHERE state = 'review' AND (left_id = $1 OR right_id = $1) ORDER BY created_at, id`,
    [canonicalId],
  );
  return rows;
}
