import { hubIdReader } from '../connector/define.ts';
import type { Connector, Cursor, ReadPage, StreamSpec } from '../connector/types.ts';
import { HubError, isHubError } from '../errors/index.ts';
import { applyMapping, type PendingRef } from '../mapping/index.ts';
import {
  createMasterDataMatcher,
  type MatchCarry,
  matchNewRecords,
  type PageMatches,
} from '../mdm/service/matcher.ts';
import { isMatchedEntity } from '../mdm/store/entity-matchers.ts';
import { validateEntity } from '../model/entities.ts';
import type { Queryable } from '../store/db.ts';
import type { Store } from '../store/index.ts';
import { INBOUND_TABLES, noteRowsWritten } from '../store/planner-stats.ts';
import type { Connection } from '../store/repos/connections.ts';
import { type IncomingRecord, writeMasterData } from '../store/repos/master-data.ts';
import { saveCursor } from '../store/repos/sync-state.ts';
import { canonicalIdsFor } from '../store/repos/xref.ts';
import { type NewFailure, recordFailure, resolveFailuresFor, resolveFailuresOfDeleted } from './failures.ts';
import type { ConnectionMapping } from './mapping-source.ts';
import {
  createParkedInRun,
  type ParkedInRun,
  parkedNowResolvable,
  parkedWaitingFor,
  parkRecord,
  unparkRecords,
} from './parking.ts';
import { readPath, refusedBeforeMapping } from './record-checks.ts';
import { emptyCounts, type RunCounts } from './runs.ts';
import { createXrefResolver } from './xref-resolver.ts';

export interface InboundStream {
  store: Store;
  connection: Connection;
  connector: Connector<unknown>;
  spec: StreamSpec;
  mapping: ConnectionMapping;
}

export interface PageOutcome {
  counts: RunCounts;
  /** External ids written into master data, per entity: parked records waiting for them are retried. */
  written: string[];
  /** External ids of the page's stream parked to wait for a reference. */
  parked: string[];
}

type Prepared =
  | { kind: 'ok'; record: IncomingRecord }
  | { kind: 'failed'; failure: NewFailure }
  | { kind: 'pending'; externalId: string; raw: unknown; refs: PendingRef[] };

function failureOf(
  stream: InboundStream,
  raw: unknown,
  error: HubError,
  externalId?: string,
  mapped?: unknown,
): Prepared {
  return {
    kind: 'failed',
    failure: {
      connectionId: stream.connection.id,
      stream: stream.spec.name,
      direction: 'in',
      externalId,
      rawPayload: raw,
      mappedPayload: mapped,
      error,
      mappingVersion: stream.mapping.label,
    },
  };
}

/** Maps and validates one raw record; never throws for bad data, which becomes a failure instead. */
async function prepare(
  stream: InboundStream,
  raw: unknown,
  resolver: ReturnType<typeof createXrefResolver>,
): Promise<Prepared> {
  const refused = refusedBeforeMapping(stream.spec, raw);
  if (refused) return failureOf(stream, refused.raw, refused.error, refused.externalId);
  const externalId = String(readPath(raw, stream.spec.primaryKey));
  const result = await applyMapping(stream.mapping.compiled, raw, { resolver });
  if (result.status === 'pending') return { kind: 'pending', externalId, raw, refs: result.pendingRefs };
  if (result.status === 'invalid') {
    const first = result.errors[0]!;
    const error = new HubError(
      'invalid_data',
      first.code,
      `${stream.spec.entity} ${externalId}: ${first.path}: ${first.message}`,
      { fieldPath: first.path, details: { issues: result.errors } },
    );
    return failureOf(stream, raw, error, externalId, result.value);
  }
  try {
    const mapped = validateEntity(stream.spec.entity, result.value, externalId) as Record<string, unknown>;
    return { kind: 'ok', record: { externalId, raw, mapped } };
  } catch (error) {
    if (!isHubError(error)) throw error;
    return failureOf(stream, raw, error, externalId, result.value);
  }
}

export interface PreparedPage {
  page: InboundPage;
  prepared: Prepared[];
  /** Valid records, without those superseded in the page or older than what the hub holds. */
  latest: IncomingRecord[];
  /** Matches found before the transaction, when the page was matched ahead. */
  matched?: PageMatches;
}

export interface InboundPage {
  records: unknown[];
  deleted?: string[];
  replaced?: ReadPage['replaced'];
  cursor?: Cursor;
}

/**
 * Everything about a page that needs no transaction: mapping, validation and, with `matchAhead`,
 * master-data matching against committed golden records and the new records of `carry` (the page
 * being written meanwhile). A pipelined run prepares the next page while this one is written.
 */
export async function preparePage(
  stream: InboundStream,
  page: InboundPage,
  options: { matchAhead?: boolean; carry?: MatchCarry; within?: Queryable } = {},
): Promise<PreparedPage> {
  const { store, connection, spec } = stream;
  const db = options.within ?? store.db;
  const resolver = createXrefResolver(db, connection.id);
  const prepared: Prepared[] = [];
  for (const raw of page.records) prepared.push(await prepare(stream, raw, resolver));
  const newest = newestCopies(prepared, spec.cursorField).flatMap((p) => (p.kind === 'ok' ? [p.record] : []));
  const latest = await dropOlderThanHeld(db, connection.id, spec, newest);
  let matched: PageMatches | undefined;
  if (options.matchAhead && isMatchedEntity(spec.entity)) {
    const known = await canonicalIdsFor(
      store.db,
      spec.entity,
      connection.id,
      latest.map((record) => record.externalId),
    );
    // A record that replaces another is that record once the page is written (followReplacements),
    // or else matched then: a match made now would file reviews, or count a new record, for it.
    const replacing = new Set((page.replaced ?? []).map(({ by }) => by));
    const unknown = latest.filter(
      (record) => !known.has(record.externalId) && !replacing.has(record.externalId),
    );
    matched = await matchNewRecords(store.db, spec.entity, connection.id, unknown, options.carry);
  }
  return { page, prepared, latest, matched };
}

function copyOf(item: Prepared): { externalId?: string; raw: unknown } {
  if (item.kind === 'ok') return item.record;
  if (item.kind === 'pending') return item;
  return { externalId: item.failure.externalId, raw: item.failure.rawPayload };
}

/**
 * The newest copy of each id in a page, by the stream's cursor field; where that cannot tell, the
 * later copy. When the newest copy failed or waits for a reference, the older valid copies are not
 * written: they would overwrite newer data and resolve the newer copy's failure.
 */
function newestCopies(prepared: Prepared[], cursorField: string | undefined): Prepared[] {
  const cursorOf = (item: Prepared) => (cursorField ? readPath(copyOf(item).raw, cursorField) : undefined);
  const newest = new Map<string, Prepared>();
  for (const item of prepared) {
    const { externalId } = copyOf(item);
    if (externalId === undefined) continue;
    const kept = newest.get(externalId);
    if (!kept || !isOlder(cursorOf(item), cursorOf(kept))) newest.set(externalId, item);
  }
  return [...newest.values()];
}

export interface PageHooks {
  /** Runs last in the page's transaction, with the page's counts. */
  onCommitted?: (tx: Queryable, counts: RunCounts) => Promise<void>;
  /** A transaction of the caller's to write the page in, instead of one of its own. */
  within?: Queryable;
}

/**
 * One page into master data in ONE transaction: golden records, xref, change log, outbox, failed
 * records, parked records and the cursor commit together or not at all.
 */
export async function commitPage(
  stream: InboundStream,
  ready: PreparedPage,
  hooks: PageHooks = {},
): Promise<PageOutcome> {
  const { store, connection, spec } = stream;
  const { page, prepared, latest } = ready;
  const counts: RunCounts = { ...emptyCounts(), read: page.records.length };
  const parked: string[] = [];
  const inTransaction = (write: (tx: Queryable) => Promise<void>) =>
    hooks.within ? write(hooks.within) : store.db.transaction(write);
  await inTransaction(async (tx) => {
    const match = createMasterDataMatcher(tx, spec.entity, { connectionId: connection.id });
    const written = await writeMasterData(tx, {
      entity: spec.entity,
      connectionId: connection.id,
      stream: spec.name,
      records: latest,
      deletedExternalIds: page.deleted,
      replaced: page.replaced,
      match,
      matched: ready.matched,
      hubIdOf: hubIdReader(stream.connector, connection.config, spec.name),
    });
    for (const row of written) counts[row.outcome] += 1;
    const valid = prepared.filter((item) => item.kind === 'ok').length;
    counts.unchanged += valid - latest.length;
    for (const item of prepared) {
      if (item.kind === 'failed') {
        counts.failed += 1;
        await recordFailure(tx, item.failure);
      } else if (item.kind === 'pending') {
        counts.pending += 1;
        parked.push(item.externalId);
        const { externalId, raw } = item;
        const row = { connectionId: connection.id, stream: spec.name, externalId, raw };
        await parkRecord(tx, { ...row, mappingVersion: stream.mapping.label }, item.refs);
      }
    }
    const succeeded = latest.map((record) => record.externalId);
    await unparkRecords(tx, connection.id, spec.name, succeeded);
    await resolveFailuresFor(tx, {
      connectionId: connection.id,
      stream: spec.name,
      direction: 'in',
      externalIds: succeeded,
    });
    // A deleted record waits for nothing and has nothing left to replay: it must not come back.
    const deleted = { connectionId: connection.id, stream: spec.name, externalIds: page.deleted ?? [] };
    await unparkRecords(tx, deleted.connectionId, deleted.stream, deleted.externalIds);
    await resolveFailuresOfDeleted(tx, deleted);
    if (page.cursor !== undefined) await saveCursor(tx, connection.id, spec.name, page.cursor);
    await hooks.onCommitted?.(tx, counts);
  });
  noteRowsWritten(store.db, counts.created + counts.updated, INBOUND_TABLES);
  const outcome = { counts, written: latest.map((record) => record.externalId), parked };
  return writeParkedNowResolvable(stream, outcome, hooks.within);
}

/**
 * A page is mapped before its transaction, so it may park a record whose reference another run
 * wrote meanwhile, and whose release looked before it was parked. Looked up again once parked
 * (after the commit, or in the caller's transaction), those whose references are all there are written.
 */
async function writeParkedNowResolvable(
  stream: InboundStream,
  outcome: PageOutcome,
  within: Queryable | undefined,
): Promise<PageOutcome> {
  const db = within ?? stream.store.db;
  const rows = await parkedNowResolvable(db, stream.connection.id, stream.spec.name, outcome.parked);
  if (rows.length === 0) return outcome;
  const retried = await processInboundPage(stream, { records: rows.map((row) => row.raw) }, { within });
  const resolved = new Set(rows.map((row) => row.externalId));
  return {
    counts: addCounts(outcome.counts, releasedCounts(retried.counts, rows.length, rows.length)),
    written: [...outcome.written, ...retried.written],
    parked: [...outcome.parked.filter((id) => !resolved.has(id)), ...retried.parked],
  };
}

/** Prepares and writes one page (webhook batches, replays and parked records). */
export async function processInboundPage(
  stream: InboundStream,
  page: InboundPage,
  hooks: PageHooks = {},
): Promise<PageOutcome> {
  return commitPage(stream, await preparePage(stream, page, { within: hooks.within }), hooks);
}

/**
 * A record older (by the stream's cursor field) than the version the hub holds arrived late, e.g.
 * webhooks delivered out of order: it must not overwrite the newer version.
 */
async function dropOlderThanHeld(
  db: Queryable,
  connectionId: string,
  spec: StreamSpec,
  records: IncomingRecord[],
): Promise<IncomingRecord[]> {
  const field = spec.cursorField;
  if (!field || records.length === 0) return records;
  const { rows } = await db.query<{ external_id: string; raw: unknown }>(
    'SELECT external_id, raw FROM source_records WHERE connection_id = $1 AND stream = $2 AND external_id = ANY($3::text[]) AND NOT deleted',
    [connectionId, spec.name, records.map((record) => record.externalId)],
  );
  const held = new Map(rows.map((row) => [row.external_id, readPath(row.raw, field)]));
  return records.filter((record) => !isOlder(readPath(record.raw, field), held.get(record.externalId)));
}

/** An ISO 8601 date and time, with a space for the T, a fraction and an offset allowed. */
const DATE_TIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?$/i;

const instantOf = (text: string) => (DATE_TIME.test(text) ? Date.parse(text) : Number.NaN);

/**
 * Whether one cursor value is before another; values of different or other types never are.
 * Two date-times compare as the instants they name: as text, `10:00:05Z` would come after
 * `10:00:05.5Z`, and `12:00+02:00` after `11:00Z`.
 */
function isOlder(value: unknown, than: unknown): boolean {
  if (typeof value === 'number' && typeof than === 'number') return value < than;
  if (typeof value !== 'string' || typeof than !== 'string') return false;
  const [instant, thanInstant] = [instantOf(value), instantOf(than)];
  return Number.isNaN(instant) || Number.isNaN(thanInstant) ? value < than : instant < thanInstant;
}

export function addCounts(into: RunCounts, from: RunCounts): RunCounts {
  for (const key of Object.keys(into) as Array<keyof RunCounts>) into[key] += from[key] ?? 0;
  return into;
}

/** A released page's counts: its records were read, and counted, by the run or drain that parked them. */
function releasedCounts(counts: RunCounts, released: number, parkedInThisRun: number): RunCounts {
  return {
    ...counts,
    read: 0,
    released: released - parkedInThisRun,
    pending: counts.pending - parkedInThisRun,
  };
}

/**
 * Retries parked records of this connection that waited for the records just written, and those
 * that waited for the records this writes in turn. Records `parkedInRun` leave its pending count;
 * the others count as released.
 */
export async function releaseParked(
  db: Queryable,
  streamOf: (name: string) => Promise<InboundStream>,
  connectionId: string,
  entity: string,
  externalIds: string[],
  parkedInRun: ParkedInRun = createParkedInRun(),
): Promise<RunCounts> {
  const total = emptyCounts();
  const release = async (writtenEntity: string, written: string[], depth: number): Promise<void> => {
    if (depth > 5 || written.length === 0) return;
    const waiting = await parkedWaitingFor(db, connectionId, writtenEntity, written);
    for (const [name, rows] of waiting) {
      const stream = await streamOf(name);
      const outcome = await processInboundPage(stream, { records: rows.map((row) => row.raw) });
      const ids = rows.map((row) => row.externalId);
      const parkedInThisRun = parkedInRun.take(name, ids);
      parkedInRun.add(name, outcome.parked);
      addCounts(total, releasedCounts(outcome.counts, rows.length, parkedInThisRun));
      await release(stream.spec.entity, outcome.written, depth + 1);
    }
  };
  await release(entity, externalIds, 0);
  return total;
}
