import { randomUUID } from 'node:crypto';
import type { Queryable } from '../../store/db.ts';
import type { IncomingRecord } from '../../store/repos/master-data.ts';
import type { MatchInputRecord } from '../match/config.ts';
import { type CandidateMatch, matchCandidates } from '../match/incremental.ts';
import { findCandidates, indexKeysOf, rankByKeys } from '../store/blocking-index.ts';
import { candidateInputs, rememberInput } from '../store/candidate-inputs.ts';
import {
  isMatchedEntity,
  type MatchedEntity,
  matcherConfigFor,
  matchInputOf,
} from '../store/entity-matchers.ts';
import { insertMatches, type MatchReason, type NewMatch } from '../store/matches.ts';
import { mintedByOthers } from '../store/mint-counts.ts';

export interface MasterDataMatcherOptions {
  /** The connection the page comes from. */
  connectionId: string;
}

/** Files the page's review pairs and returns its matches (`carry.inputs` holds the ids it minted). */
export type MasterDataMatch = (records: IncomingRecord[]) => Promise<PageMatches>;

function reasonsOf(match: CandidateMatch): MatchReason[] {
  const reasons: MatchReason[] = [];
  if (match.rule) reasons.push({ code: 'rule', rule: match.rule });
  for (const [field, similarity] of Object.entries(match.fields))
    reasons.push({ code: 'field', field, similarity });
  if (match.vetoed) reasons.push({ code: 'veto' });
  return reasons;
}

/** Golden ids that already hold an id in this connection: a second id there cannot join them. */
async function heldByConnection(db: Queryable, entity: string, connectionId: string, ids: string[]) {
  const { rows } = await db.query<{ canonical_id: string; external_id: string }>(
    'SELECT canonical_id, external_id FROM xref WHERE entity = $1 AND connection_id = $2 AND canonical_id = ANY($3::uuid[])',
    [entity, connectionId, ids],
  );
  return new Map(rows.map((row) => [row.canonical_id, row.external_id]));
}

/**
 * The `match` hook of writeMasterData for customers, contacts, suppliers and items (undefined for
 * other entities). Each new source record is scored against the golden records sharing a blocking
 * key: above the high threshold it joins the best one (its canonical id is returned); otherwise it
 * gets a fresh canonical id (returned too, so that pairs between the thresholds can be filed for
 * review under it). Two ids of one connection never join one golden record automatically: such
 * pairs go to review.
 */
export function createMasterDataMatcher(
  db: Queryable,
  entity: string,
  options: MasterDataMatcherOptions,
): MasterDataMatch | undefined {
  if (!isMatchedEntity(entity)) return undefined;
  return (records) => matchPage(db, entity, options.connectionId, records);
}

async function matchPage(
  db: Queryable,
  entity: MatchedEntity,
  connectionId: string,
  records: IncomingRecord[],
): Promise<PageMatches> {
  const matches = await matchNewRecords(db, entity, connectionId, records);
  await insertMatches(
    db,
    matches.reviews.map((review) => review.match),
  );
  return matches;
}

/** New records of a page matched but not committed yet: the page after it is matched against them too. */
export interface MatchCarry {
  inputs: ReadonlyMap<string, MatchInputRecord>;
  byKey: ReadonlyMap<string, readonly string[]>;
  /** Golden ids this page gave an id of the connection (new ones and joined ones), with that id. */
  external: ReadonlyMap<string, string>;
  /** Blocking keys found saturated so far in this run: neither looked up nor extended again. */
  saturated: ReadonlySet<string>;
}

export interface PageMatches {
  /** Canonical id per external id: the golden record it joins, or a new one. */
  assigned: Map<string, string>;
  /** Pairs to review, by the external id of the record they were found for. */
  reviews: Array<{ externalId: string; match: NewMatch }>;
  /** This page's new records, for the next page. */
  carry: MatchCarry;
  /** Pages of other connections that had created records when this page was matched (mintedByOthers). */
  othersMinted?: number;
}

/**
 * Matches new source records against the golden records sharing a blocking key, against each
 * other, and against the new records of a page still being written (`carry`). Writes nothing.
 */
export async function matchNewRecords(
  db: Queryable,
  entity: MatchedEntity,
  connectionId: string,
  records: IncomingRecord[],
  carry?: MatchCarry,
): Promise<PageMatches> {
  const config = matcherConfigFor(entity);
  // Read before the candidates: a record another connection creates after this is then noticed.
  const othersMinted = await mintedByOthers(db, entity, connectionId);
  // Each record's id if it becomes a golden record of its own; its input's features serve both
  // the index keys and the scoring.
  const ownInputs = records.map((record) => matchInputOf(entity, randomUUID(), record.mapped));
  const keySets = records.map((record, index) => indexKeysOf(entity, record.mapped, ownInputs[index]));
  const found = await findCandidates(db, entity, keySets, carry?.saturated);
  const [inputs, held] = await Promise.all([
    candidateInputs(db, entity, found.versions),
    heldByConnection(db, entity, connectionId, [...found.versions.keys()]),
  ]);
  for (const [id, input] of carry?.inputs ?? []) inputs.set(id, input);
  // New records, by key: later records are compared with them too.
  const pageByKey = new Map<string, string[]>([...(carry?.byKey ?? [])].map(([key, ids]) => [key, [...ids]]));
  const pageExternal = new Map<string, string>(carry?.external ?? []);
  const next = {
    inputs: new Map<string, MatchInputRecord>(),
    byKey: new Map<string, string[]>(),
    external: new Map<string, string>(),
    saturated: found.saturated,
  };
  const claimed = new Map<string, string>();
  const assigned = new Map<string, string>();
  const reviews: PageMatches['reviews'] = [];
  const addTo = (index: Map<string, string[]>, key: string, id: string) => {
    const ids = index.get(key);
    if (ids) ids.push(id);
    else index.set(key, [id]);
  };

  records.forEach((record, index) => {
    const input = ownInputs[index]!;
    const newId = input.id;
    // A key too common to look up in the index is too common within the pages too.
    const keys = keySets[index]!.filter((key) => !found.saturated.has(key));
    const inPage = rankByKeys(keys, pageByKey);
    const candidates = [...found.perRecord[index]!, ...inPage].flatMap((id) => inputs.get(id) ?? []);
    const ranked = matchCandidates(input, candidates, config, { onlyPossibleMatches: true }).filter(
      (match) => match.decision !== 'new',
    );
    const sameConnection = (id: string) => held.get(id) ?? pageExternal.get(id) ?? claimed.get(id);
    const target = ranked.find(
      (match) => match.decision === 'merge' && sameConnection(match.id) === undefined,
    )?.id;
    const canonicalId = target ?? newId;
    assigned.set(record.externalId, canonicalId);
    if (target) {
      claimed.set(target, record.externalId);
      // The next page, matched before this one is written, must see that this connection holds it.
      next.external.set(target, record.externalId);
    } else {
      inputs.set(newId, input);
      next.inputs.set(newId, input);
      // Created at version 1 with exactly this body when the page commits.
      rememberInput(entity, newId, 1, input);
      pageExternal.set(newId, record.externalId);
      next.external.set(newId, record.externalId);
      for (const key of keys) {
        addTo(pageByKey, key, newId);
        addTo(next.byKey, key, newId);
      }
    }
    for (const match of ranked) {
      if (match.id === target) continue;
      const reasons = reasonsOf(match);
      const other = sameConnection(match.id);
      if (other !== undefined)
        reasons.push({ code: 'same_connection', connectionId, externalIds: [other, record.externalId] });
      reviews.push({
        externalId: record.externalId,
        match: { entity, leftId: match.id, rightId: canonicalId, score: match.score, reasons },
      });
    }
  });
  return { assigned, reviews, carry: next, othersMinted };
}
