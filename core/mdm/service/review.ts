import { HubError } from '../../errors/index.ts';
import type { Db, Queryable } from '../../store/db.ts';
import { getGolden } from '../../store/repos/golden.ts';
import { decideMatch, getMatch, type MatchRow } from '../store/matches.ts';
import { type MergeResult, mergeRecords, unmergeRecords } from './merge.ts';

async function openMatch(db: Queryable, id: string): Promise<MatchRow> {
  const match = await getMatch(db, id, { lock: true });
  if (!match) throw new HubError('not_found', 'match_not_found', `No match ${id}`);
  if (match.state !== 'review')
    throw new HubError(
      'conflict',
      'match_decided',
      `Match ${id} was already ${match.state} by ${match.decidedBy ?? 'the hub'}`,
    );
  return match;
}

/**
 * Approves a review pair: the right record merges into the left one (each followed through earlier
 * merges first); a pair whose records were merged meanwhile is just marked approved.
 */
export function approveMatch(
  db: Db,
  id: string,
  actor: string,
): Promise<{ match: MatchRow; merge?: MergeResult }> {
  return db.transaction(async (tx) => {
    const match = await openMatch(tx, id);
    const [left, right] = await Promise.all([getGolden(tx, match.leftId), getGolden(tx, match.rightId)]);
    if (!left || !right)
      throw new HubError('not_found', 'record_not_found', `Match ${id} names a record that no longer exists`);
    const merge =
      left.id === right.id
        ? undefined
        : await mergeRecords(tx, { survivorId: left.id, mergedId: right.id, actor });
    return { match: await decideMatch(tx, id, { state: 'approved', actor, mergeId: merge?.mergeId }), merge };
  });
}

export function rejectMatch(db: Db, id: string, actor: string): Promise<MatchRow> {
  return db.transaction(async (tx) => {
    await openMatch(tx, id);
    return decideMatch(tx, id, { state: 'rejected', actor });
  });
}

/** Merges two golden records by hand, in one transaction. */
export function mergeGoldenRecords(db: Db, input: { survivorId: string; mergedId: string; actor: string }) {
  return db.transaction((tx) => mergeRecords(tx, input));
}

/** Undoes a merge, in one transaction. */
export function unmergeGoldenRecords(db: Db, input: { mergeId: string; actor: string }) {
  return db.transaction((tx) => unmergeRecords(tx, input));
}
