import { randomUUID } from 'node:crypto';
import type { CanonicalEntity, ReadPage } from '../../connector/types.ts';
import { HubError } from '../../errors/index.ts';
import { composeGolden, type GoldenContent } from '../../mdm/service/golden-body.ts';
import type { MasterDataMatch, PageMatches } from '../../mdm/service/matcher.ts';
import { loadPageSurvivor } from '../../mdm/service/survivorship.ts';
import { indexGoldenRecords } from '../../mdm/store/blocking-index.ts';
import { insertMatches } from '../../mdm/store/matches.ts';
import { countMinting, lockMinting, unlessOthersMinted } from '../../mdm/store/mint-counts.ts';
import { lockIdBuckets } from '../bucket-locks.ts';
import type { Queryable } from '../db.ts';
import { changedKeys, contentHash, stableStringify } from '../hash.ts';
import { appendChangeRows, type ChangeRow } from './change-rows.ts';
import { type GoldenRecord, goldenByIds, insertGoldenRows } from './golden.ts';
import { recordsCreatedByHub } from './hub-created.ts';
import { redirectMergedMatches, settleKnown, settleReplacements } from './settle-page.ts';
import { heldOnceReplaced, markDeleted } from './source-deletes.ts';
import { canonicalIdsFor, linkXrefs } from './xref.ts';

export interface IncomingRecord {
  externalId: string;
  raw: unknown;
  /** Canonical body produced by the inbound mapping, already validated. */
  mapped: Record<string, unknown>;
}

export interface PageWrite {
  entity: CanonicalEntity;
  connectionId: string;
  stream: string;
  records: IncomingRecord[];
  deletedExternalIds?: string[];
  /** Ids the source replaced by new ones for the same records (followReplacements). */
  replaced?: ReadPage['replaced'];
  /** Finds an existing golden record for a new source record (master-data matching). */
  match?: MasterDataMatch;
  /** Matches found before the transaction (pipelined runs); records they miss go through `match`. */
  matched?: PageMatches;
  /** The canonical id a record carries because the hub created it in the source (Connector.hubIdOf). */
  hubIdOf?: (raw: unknown) => string | undefined;
}

export type RecordOutcome = 'created' | 'updated' | 'unchanged' | 'echo' | 'deleted';

export interface WrittenRecord {
  externalId: string;
  canonicalId: string;
  version: number;
  outcome: RecordOutcome;
  changedFields: string[];
}

interface PlannedRow {
  record: IncomingRecord;
  canonicalId: string;
  /** The id was made for this record in this page: no row anywhere has it yet. */
  minted: boolean;
  isNew: boolean;
  body: Record<string, unknown>;
  version: number;
  changedFields: string[];
  outcome: RecordOutcome;
  hash: string;
  lineage: Record<string, unknown>;
}

/** What the hub itself last wrote to these records of this connection and stream. */
async function lastWrittenBodies(
  db: Queryable,
  page: PageWrite,
): Promise<Map<string, Record<string, unknown>>> {
  const { rows } = await db.query<{ external_id: string; body: Record<string, unknown> }>(
    'SELECT external_id, body FROM last_written WHERE connection_id = $1 AND stream = $2 AND external_id = ANY($3::text[])',
    [page.connectionId, page.stream, page.records.map((r) => r.externalId)],
  );
  return new Map(rows.map((row) => [row.external_id, row.body]));
}

/** An echo carries exactly the values the hub last wrote, for every field the mapping produces. */
function isEcho(mapped: Record<string, unknown>, written: Record<string, unknown> | undefined): boolean {
  if (!written) return false;
  return Object.keys(mapped).every((key) => stableStringify(mapped[key]) === stableStringify(written[key]));
}

/**
 * Canonical ids for records without a cross-reference: from the matches found before the
 * transaction where there are some (their review pairs are filed now), else by matching now.
 */
async function matchUnknown(
  db: Queryable,
  page: PageWrite,
  unknown: IncomingRecord[],
): Promise<{ matched: Map<string, string>; minted: Set<string> }> {
  const matched = new Map<string, string>();
  const minted = new Set<string>();
  if (unknown.length === 0) return { matched, minted };
  const missing: IncomingRecord[] = [];
  // Matched again, under the minting lock, when other connections created records since.
  const pre = page.match ? await unlessOthersMinted(db, page) : page.matched;
  if (pre) {
    for (const record of unknown) {
      const id = pre.assigned.get(record.externalId);
      if (id) matched.set(record.externalId, id);
      else missing.push(record);
    }
    for (const id of pre.carry.inputs.keys()) minted.add(id);
    await insertMatches(
      db,
      pre.reviews.filter((review) => matched.has(review.externalId)).map((review) => review.match),
    );
  } else missing.push(...unknown);
  if (missing.length > 0 && page.match) {
    const late = await page.match(missing);
    for (const [externalId, id] of late.assigned) matched.set(externalId, id);
    for (const id of late.carry.inputs.keys()) minted.add(id);
  }
  return { matched, minted };
}

/**
 * Two writers may bring the same new source record at once (a run and a webhook drain, or drains
 * on two workers); each would find no xref and create its own golden record. Writers of the same
 * records queue on locks by connection and a hash bucket of the id; the later one then finds the xref.
 */
const lockSourceRecords = (db: Queryable, page: PageWrite, externalIds: string[]) =>
  lockIdBuckets(db, `${page.entity}:${page.connectionId}`, externalIds);

/** Decides, per record, the new golden body and version without writing anything; under the lock. */
async function planPage(db: Queryable, page: PageWrite, now: string): Promise<PlannedRow[]> {
  const externalIds = page.records.map((r) => r.externalId);
  const replacedIds = (page.replaced ?? []).map(({ externalId }) => externalId);
  // Replaced ids are looked up, locked and settled with the page's own, before any link moves.
  const held = await canonicalIdsFor(db, page.entity, page.connectionId, [...externalIds, ...replacedIds]);
  const linked = heldOnceReplaced(page, held);
  const unknown = page.records.filter((r) => !linked.has(r.externalId));
  const createdByHub = await recordsCreatedByHub(db, page, unknown, page.hubIdOf);
  const unmatched = unknown.filter((r) => !createdByHub.has(r.externalId));
  // Taken before any golden record is locked, so that pages wait for it holding no row locks.
  if (unmatched.length > 0 && page.match) await lockMinting(db, page.entity);
  const { matched, minted } = await matchUnknown(db, page, unmatched);
  for (const [externalId, canonicalId] of createdByHub) matched.set(externalId, canonicalId);
  // Ids the matcher minted for this page's new records have no golden record to read or lock yet.
  const ids = [...new Set([...held.values(), ...matched.values()])].filter((id) => !minted.has(id));
  const golden = await goldenByIds(db, ids, { lock: true });
  await settleKnown(db, page, held, golden);
  const known = await settleReplacements(db, page, { held, golden, unknown });
  await redirectMergedMatches(db, page, matched, golden);
  // Only records that have a golden record already are composed from their sources and checked
  // for echoes: a page of new records (a first load) needs neither lookup.
  const existing = golden.size > 0;
  const written = existing ? await lastWrittenBodies(db, page) : new Map<string, Record<string, unknown>>();
  const survive = existing ? await loadPageSurvivor(db, page, [...golden.keys()]) : undefined;
  const assigned = new Map<string, string>();

  return page.records.map((record) => {
    const existingId =
      known.get(record.externalId) ?? matched.get(record.externalId) ?? assigned.get(record.externalId);
    const canonicalId = existingId ?? randomUUID();
    assigned.set(record.externalId, canonicalId);
    const isNew = !known.has(record.externalId);
    const current = existingId ? golden.get(existingId) : undefined;
    if (!current)
      return plannedCreate(page, record, now, {
        canonicalId,
        isNew,
        minted: existingId === undefined || minted.has(existingId),
      });
    if (current.mergedInto)
      throw new HubError(
        'transient',
        'golden_merged_meanwhile',
        `${page.entity} ${record.externalId} of ${page.connectionId}: golden record ${current.id} was merged into ${current.mergedInto} while the page was written`,
      );
    // `current` is one of `golden`, so the page's survivor was loaded.
    const next = composeGolden(current, survive!(canonicalId, record, now));
    return plannedUpdate(record, current, next, {
      canonicalId,
      isNew,
      echoOf: written.get(record.externalId),
    });
  });
}

function plannedCreate(
  page: PageWrite,
  record: IncomingRecord,
  now: string,
  link: { canonicalId: string; isNew: boolean; minted: boolean },
): PlannedRow {
  const lineage = Object.fromEntries(
    Object.keys(record.mapped).map((field) => [
      field,
      { connectionId: page.connectionId, externalId: record.externalId, at: now },
    ]),
  );
  return {
    record,
    ...link,
    body: record.mapped,
    version: 1,
    changedFields: Object.keys(record.mapped).sort(),
    outcome: 'created',
    hash: contentHash(record.mapped),
    lineage,
  };
}

/** A record with a golden record already: `next` is the golden body its sources make now. */
function plannedUpdate(
  record: IncomingRecord,
  current: GoldenRecord,
  next: GoldenContent,
  link: { canonicalId: string; isNew: boolean; echoOf: Record<string, unknown> | undefined },
): PlannedRow {
  const changedFields = changedKeys(current.body, next.body);
  // A record deleted in the hub that arrives again is back, even with the body it had.
  const revived = current.deleted;
  const outcome: RecordOutcome = revived
    ? 'updated'
    : changedFields.length === 0
      ? 'unchanged'
      : isEcho(record.mapped, link.echoOf)
        ? 'echo'
        : 'updated';
  const bumps = outcome === 'updated';
  return {
    record,
    canonicalId: link.canonicalId,
    minted: false,
    isNew: link.isNew,
    body: bumps ? next.body : current.body,
    version: bumps ? current.version + 1 : current.version,
    changedFields:
      revived && changedFields.length === 0 ? Object.keys(next.body).sort() : bumps ? changedFields : [],
    outcome,
    hash: contentHash(record.mapped),
    lineage: bumps ? next.lineage : current.lineage,
  };
}

/**
 * Writes one page into master data: golden records, xref, source records, change log and outbox,
 * all through the caller's transaction so that they commit or vanish together. Replaced ids are
 * followed while planning, so that a new id of a record is written as that record.
 */
export async function writeMasterData(tx: Queryable, page: PageWrite): Promise<WrittenRecord[]> {
  const now = new Date().toISOString();
  const replacing = (page.replaced ?? []).flatMap(({ externalId, by }) => [externalId, by]);
  await lockSourceRecords(tx, page, [...page.records.map((r) => r.externalId), ...replacing]);
  const planned = await planPage(tx, page, now);
  const changed = planned.filter((row) => row.outcome === 'created' || row.outcome === 'updated');

  if (changed.length > 0) {
    await insertGoldenRows(
      tx,
      { entity: page.entity, sourceSystem: page.connectionId, at: now },
      changed.map((row) => ({
        id: row.canonicalId,
        version: row.version,
        body: row.body,
        lineage: row.lineage,
        minted: row.minted,
      })),
    );
    await indexGoldenRecords(
      tx,
      page.entity,
      changed.map((row) => ({
        id: row.canonicalId,
        body: row.body,
        fresh: row.minted,
      })),
      page.matched?.carry.saturated,
    );
    await appendChanges(tx, page, changed);
    if (page.match && changed.some((row) => row.outcome === 'created'))
      await countMinting(tx, page.entity, page.connectionId);
  }
  await linkXrefs(
    tx,
    planned
      .filter((row) => row.isNew)
      .map((row) => ({
        entity: page.entity,
        canonicalId: row.canonicalId,
        connectionId: page.connectionId,
        externalId: row.record.externalId,
      })),
  );
  await upsertSourceRecords(tx, page, planned);
  const deleted = await markDeleted(tx, page, now);
  return [
    ...planned.map((row) => ({
      externalId: row.record.externalId,
      canonicalId: row.canonicalId,
      version: row.version,
      outcome: row.outcome,
      changedFields: row.changedFields,
    })),
    ...deleted,
  ];
}

async function appendChanges(tx: Queryable, page: PageWrite, rows: PlannedRow[]): Promise<void> {
  const changes = rows.map(
    (row): ChangeRow => ({
      canonical_id: row.canonicalId,
      version: row.version,
      operation: row.outcome === 'created' ? 'create' : 'update',
      body: row.body,
      changed_fields: row.changedFields,
    }),
  );
  await appendChangeRows(tx, page.entity, page.connectionId, changes);
}

async function upsertSourceRecords(tx: Queryable, page: PageWrite, rows: PlannedRow[]): Promise<void> {
  if (rows.length === 0) return;
  await tx.query(
    `INSERT INTO source_records (connection_id, stream, external_id, entity, canonical_id, raw, mapped, content_hash, deleted, updated_at)
     SELECT $2, $3, external_id, $4, canonical_id, raw, mapped, content_hash, false, now()
     FROM jsonb_to_recordset($1::jsonb) AS s(external_id text, canonical_id uuid, raw jsonb, mapped jsonb, content_hash text)
     ON CONFLICT (connection_id, stream, external_id) DO UPDATE SET canonical_id = EXCLUDED.canonical_id, raw = EXCLUDED.raw,
       mapped = EXCLUDED.mapped, content_hash = EXCLUDED.content_hash, deleted = false, updated_at = now()`,
    [
      JSON.stringify(
        rows.map((row) => ({
          external_id: row.record.externalId,
          canonical_id: row.canonicalId,
          raw: row.record.raw,
          mapped: row.record.mapped,
          content_hash: row.hash,
        })),
      ),
      page.connectionId,
      page.stream,
      page.entity,
    ],
  );
}
