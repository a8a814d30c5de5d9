import { findStream } from '../connector/define.ts';
import type { Connector, StreamSpec } from '../connector/types.ts';
import { isHubError, toHubError } from '../errors/index.ts';
import { applyMapping } from '../mapping/index.ts';
import { validateEntity } from '../model/entities.ts';
import type { Hub } from '../runtime/hub.ts';
import type { Queryable } from '../store/db.ts';
import { contentHash, stableStringify } from '../store/hash.ts';
import type { Connection } from '../store/repos/connections.ts';
import { contextFor } from './connector-context.ts';
import { type ConnectionMapping, mappingFor } from './mapping-source.ts';
import { readPath } from './record-checks.ts';
import { pushStreams } from './write-targets.ts';
import { createXrefResolver } from './xref-resolver.ts';

/** `hub`: the source compared with what the hub holds; `target`: the hub compared with what it pushed. */
export interface ReconcileEntry {
  side: 'hub' | 'target';
  externalId?: string;
  canonicalId?: string;
  reason: string;
}

export interface ReconcileReport {
  connectionId: string;
  stream: string;
  entity: string;
  counts: {
    source: number | null;
    hubSourceRecords: number;
    golden: number;
    lastWritten: number;
    target: number | null;
    failed: number;
  };
  missing: ReconcileEntry[];
  extra: ReconcileEntry[];
  different: ReconcileEntry[];
  /** Records accounted for in failed_syncs (open or replayed): not lost, waiting for a fix. */
  failed: ReconcileEntry[];
  /** Why a side could not be read, when it could not. */
  unreadable: string[];
  ok: boolean;
}

interface SourceRecord {
  externalId: string;
  hash?: string;
  mapped?: Record<string, unknown>;
}

/** The connector's current records of a stream, mapped inbound as a sync would map them. */
async function readMapped(
  hub: Hub,
  connector: Connector<unknown>,
  connection: Connection,
  spec: StreamSpec,
  mapping: ConnectionMapping,
) {
  const ctx = contextFor(hub.store, connector, connection);
  const resolver = createXrefResolver(hub.store.db, connection.id);
  const records = new Map<string, SourceRecord>();
  for await (const page of connector.read(ctx, spec.name, undefined)) {
    for (const raw of page.records) {
      const id = readPath(raw, spec.primaryKey);
      if (id === undefined || id === null || id === '') continue;
      const externalId = String(id);
      const result = await applyMapping(mapping.compiled, raw, { resolver });
      let mapped: Record<string, unknown> | undefined;
      if (result.status === 'ok') {
        try {
          mapped = validateEntity(spec.entity, result.value, externalId) as Record<string, unknown>;
        } catch (error) {
          if (!isHubError(error)) throw error;
        }
      }
      records.set(externalId, { externalId, mapped, hash: mapped ? contentHash(mapped) : undefined });
    }
    for (const id of page.deleted ?? []) records.delete(id);
  }
  return records;
}

async function rowsOf<T>(db: Queryable, sql: string, params: unknown[]): Promise<T[]> {
  return (await db.query<T & Record<string, unknown>>(sql, params)).rows;
}

interface HubRows {
  sources: Map<
    string,
    { canonical_id: string | null; content_hash: string; linked: boolean; golden: boolean }
  >;
  failedIn: Set<string>;
  pendingIn: Set<string>;
}

async function loadHubSide(db: Queryable, connectionId: string, spec: StreamSpec): Promise<HubRows> {
  const sources = await rowsOf<{
    external_id: string;
    canonical_id: string | null;
    content_hash: string;
    linked: boolean;
    golden: boolean;
  }>(
    db,
    `SELECT s.external_id, s.canonical_id::text, s.content_hash,
       EXISTS (SELECT 1 FROM xref x WHERE x.entity = s.entity AND x.connection_id = s.connection_id AND x.external_id = s.external_id AND x.canonical_id = s.canonical_id) AS linked,
       EXISTS (SELECT 1 FROM golden_records g WHERE g.id = s.canonical_id) AS golden
     FROM source_records s WHERE s.connection_id = $1 AND s.stream = $2 AND NOT s.deleted`,
    [connectionId, spec.name],
  );
  const failed = await rowsOf<{ external_id: string }>(
    db,
    `SELECT DISTINCT external_id FROM failed_syncs WHERE connection_id = $1 AND stream = $2 AND direction = 'in' AND state IN ('open', 'replayed') AND external_id IS NOT NULL`,
    [connectionId, spec.name],
  );
  const pending = await rowsOf<{ external_id: string }>(
    db,
    'SELECT DISTINCT external_id FROM pending_refs WHERE connection_id = $1 AND stream = $2',
    [connectionId, spec.name],
  );
  return {
    sources: new Map(sources.map((row) => [row.external_id, row])),
    failedIn: new Set(failed.map((row) => row.external_id)),
    pendingIn: new Set(pending.map((row) => row.external_id)),
  };
}

function compareSourceWithHub(
  source: Map<string, SourceRecord>,
  hub: HubRows,
  report: ReconcileReport,
): void {
  for (const record of source.values()) {
    const held = hub.sources.get(record.externalId);
    const accounted = hub.failedIn.has(record.externalId) || hub.pendingIn.has(record.externalId);
    if (accounted && (!held || held.content_hash !== record.hash)) {
      const reason = hub.pendingIn.has(record.externalId)
        ? 'waiting for a referenced record'
        : 'in failed_syncs';
      report.failed.push({ side: 'hub', externalId: record.externalId, reason });
    } else if (!held)
      report.missing.push({
        side: 'hub',
        externalId: record.externalId,
        reason: 'in the source, not in the hub',
      });
    else if (!record.hash)
      report.different.push({
        side: 'hub',
        externalId: record.externalId,
        reason: 'the source record no longer maps to a valid record',
      });
    else if (held.content_hash !== record.hash)
      report.different.push({
        side: 'hub',
        externalId: record.externalId,
        canonicalId: held.canonical_id ?? undefined,
        reason: 'content differs from the source',
      });
  }
  for (const [externalId, held] of hub.sources) {
    const canonicalId = held.canonical_id ?? undefined;
    if (!source.has(externalId))
      report.extra.push({ side: 'hub', externalId, canonicalId, reason: 'in the hub, not in the source' });
    else if (!held.golden)
      report.different.push({
        side: 'hub',
        externalId,
        canonicalId,
        reason: 'source record without a golden record',
      });
    else if (!held.linked)
      report.different.push({
        side: 'hub',
        externalId,
        canonicalId,
        reason: 'source record without its xref link',
      });
  }
}

/** Live golden records should each be in the pushed-to target once: through its xref link. */
async function compareHubWithTarget(
  db: Queryable,
  connectionId: string,
  spec: StreamSpec,
  target: Map<string, SourceRecord> | undefined,
  report: ReconcileReport,
) {
  const golden = await rowsOf<{
    id: string;
    body: Record<string, unknown>;
    deleted: boolean;
    external_id: string | null;
    written_hash: string | null;
    written_body: Record<string, unknown> | null;
    failed: boolean;
    from_target: boolean;
    target_hash: string | null;
  }>(
    db,
    `SELECT g.id::text, g.body, g.deleted, x.external_id, w.content_hash AS written_hash, w.body AS written_body,
       EXISTS (SELECT 1 FROM failed_syncs f WHERE f.connection_id = $2 AND f.stream = $3 AND f.direction = 'out' AND f.canonical_id = g.id AND f.state IN ('open', 'replayed')) AS failed,
       EXISTS (SELECT 1 FROM source_records s WHERE s.connection_id = $2 AND s.canonical_id = g.id AND NOT s.deleted) AS from_target,
       (SELECT s.content_hash FROM source_records s WHERE s.connection_id = $2 AND s.stream = $3 AND s.external_id = x.external_id) AS target_hash
     FROM golden_records g
     LEFT JOIN xref x ON x.entity = g.entity AND x.canonical_id = g.id AND x.connection_id = $2
     LEFT JOIN last_written w ON w.connection_id = $2 AND w.stream = $3 AND w.external_id = x.external_id
     WHERE g.entity = $1 AND g.merged_into IS NULL`,
    [spec.entity, connectionId, spec.name],
  );
  const live = golden.filter((row) => !row.deleted);
  report.counts.golden = live.length;
  const linked = new Set<string>();
  for (const row of golden) {
    const ids = { side: 'target' as const, canonicalId: row.id, externalId: row.external_id ?? undefined };
    if (row.external_id) linked.add(row.external_id);
    if (row.deleted) {
      if (row.external_id && target?.has(row.external_id))
        report.extra.push({ ...ids, reason: 'deleted in the hub, still in the target' });
      continue;
    }
    if (row.failed) report.failed.push({ ...ids, reason: 'in failed_syncs' });
    else if (!row.external_id) report.missing.push({ ...ids, reason: 'never written to the target' });
    else if (target && !target.has(row.external_id))
      report.missing.push({ ...ids, reason: 'linked, but not in the target' });
    else if (!row.from_target && row.written_hash !== contentHash(row.body))
      report.different.push({ ...ids, reason: 'the target has not been sent the latest version' });
    else if (
      target &&
      row.written_body &&
      !matchesWritten(target.get(row.external_id)!, row.written_body, row.target_hash)
    ) {
      report.different.push({ ...ids, reason: 'the target holds other values than the hub wrote' });
    }
  }
  for (const externalId of target?.keys() ?? []) {
    if (!linked.has(externalId))
      report.extra.push({ side: 'target', externalId, reason: 'in the target, linked to no hub record' });
  }
}

/** Every field the inbound mapping reads back equals what was written, or the hub has since read the change. */
function matchesWritten(
  record: SourceRecord,
  written: Record<string, unknown>,
  hubHash: string | null,
): boolean {
  if (!record.mapped) return false;
  if (record.hash === hubHash) return true;
  return Object.keys(record.mapped).every(
    (key) => stableStringify(record.mapped![key]) === stableStringify(written[key]),
  );
}

/**
 * Compares ids and content hashes of the source (what the connector reads now), the hub (source
 * records, golden records and xref) and, for a connection the hub pushes this stream to, the
 * target (what last_written says was written against what the target holds, when readable).
 */
export async function reconcile(
  hub: Hub,
  connectionId: string,
  streamName: string,
): Promise<ReconcileReport> {
  const { db } = hub.store;
  const connection = await hub.store.connections.get(connectionId);
  const connector = hub.connectors.find(connection.kind);
  const spec = findStream(connector, streamName, connection.config);
  const pushes = pushStreams(hub, connection).some((stream) => stream.name === spec.name);
  const hubRows = await loadHubSide(db, connectionId, spec);
  const lastWritten = await rowsOf<{ n: number }>(
    db,
    'SELECT count(*)::int AS n FROM last_written WHERE connection_id = $1 AND stream = $2',
    [connectionId, spec.name],
  );
  const report: ReconcileReport = {
    connectionId,
    stream: spec.name,
    entity: spec.entity,
    counts: {
      source: null,
      hubSourceRecords: hubRows.sources.size,
      golden: 0,
      lastWritten: lastWritten[0]!.n,
      target: null,
      failed: 0,
    },
    missing: [],
    extra: [],
    different: [],
    failed: [],
    unreadable: [],
    ok: false,
  };
  let current: Map<string, SourceRecord> | undefined;
  if (spec.read) {
    try {
      current = await readMapped(
        hub,
        connector,
        connection,
        spec,
        await mappingFor(db, connection, spec.name, 'in', hub.mappingsRoot),
      );
    } catch (error) {
      report.unreadable.push(`${connectionId} ${spec.name}: ${toHubError(error).message}`);
    }
  }
  // A pure target has no inbound history to compare with: only its pushed side is checked.
  const inbound = !pushes || hubRows.sources.size > 0;
  if (current && inbound) {
    report.counts.source = current.size;
    compareSourceWithHub(current, hubRows, report);
  }
  if (pushes) {
    report.counts.target = current?.size ?? null;
    await compareHubWithTarget(db, connectionId, spec, current, report);
  } else {
    const golden = await rowsOf<{ n: number }>(
      db,
      'SELECT count(DISTINCT canonical_id)::int AS n FROM source_records WHERE connection_id = $1 AND stream = $2 AND NOT deleted',
      [connectionId, spec.name],
    );
    report.counts.golden = golden[0]!.n;
  }
  report.counts.failed = report.failed.length;
  report.ok =
    report.missing.length === 0 &&
    report.extra.length === 0 &&
    report.different.length === 0 &&
    report.unreadable.length === 0;
  return report;
}

/** One line per kind of finding, for people. */
export function summarizeReconcile(report: ReconcileReport): string {
  const { counts } = report;
  const head = `${report.connectionId} ${report.stream}: source ${counts.source ?? '-'}, hub ${counts.hubSourceRecords} source records / ${counts.golden} golden, target ${counts.target ?? '-'} (${counts.lastWritten} written)`;
  const lines = [
    head,
    `${report.missing.length} missing, ${report.extra.length} extra, ${report.different.length} different, ${report.failed.length} in failed_syncs`,
  ];
  for (const entry of [...report.missing, ...report.extra, ...report.different].slice(0, 20)) {
    lines.push(`  ${entry.side} ${entry.externalId ?? entry.canonicalId}: ${entry.reason}`);
  }
  for (const reason of report.unreadable) lines.push(`  unreadable: ${reason}`);
  lines.push(report.ok ? 'reconciled' : 'NOT reconciled');
  return lines.join('\n');
}
