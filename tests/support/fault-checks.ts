import { expect } from 'vitest';
import type { Hub } from '../../core/runtime/hub.ts';
import { type ReconcileReport, reconcile, summarizeReconcile } from '../../core/sync/reconcile.ts';
import { eventually } from './test-hub.ts';

/** Waits until reconcile() finds nothing missing, extra or different, and returns the report. */
export async function expectReconciled(
  hub: Hub,
  connectionId: string,
  stream: string,
  timeoutMs = 30_000,
): Promise<ReconcileReport> {
  let last: ReconcileReport | undefined;
  try {
    return await eventually(
      async () => {
        last = await reconcile(hub, connectionId, stream);
        return last.ok ? last : undefined;
      },
      timeoutMs,
      `${connectionId} ${stream} reconciled`,
    );
  } catch (error) {
    throw new Error(`${(error as Error).message}\n${last ? summarizeReconcile(last) : ''}`);
  }
}

/**
 * Every source record is in the target exactly once (by the hub id the target stores) or is
 * accounted for in failed_syncs.
 */
export async function expectExactlyOnceOrFailed(
  hub: Hub,
  sourceConnection: string,
  stream: string,
  targetHubIds: string[],
): Promise<void> {
  const { rows } = await hub.store.db.query<{ external_id: string; canonical_id: string }>(
    'SELECT external_id, canonical_id::text FROM source_records WHERE connection_id = $1 AND stream = $2 AND NOT deleted',
    [sourceConnection, stream],
  );
  const { rows: failed } = await hub.store.db.query<{ id: string }>(
    `SELECT DISTINCT coalesce(canonical_id::text, external_id) AS id FROM failed_syncs WHERE state IN ('open', 'replayed')`,
  );
  const accounted = new Set(failed.map((row) => row.id));
  const copies = new Map<string, number>();
  for (const id of targetHubIds) copies.set(id, (copies.get(id) ?? 0) + 1);
  const wrong = rows
    .filter(
      (row) =>
        copies.get(row.canonical_id) !== 1 &&
        !accounted.has(row.canonical_id) &&
        !accounted.has(row.external_id),
    )
    .map(
      (row) =>
        `${row.external_id} (${row.canonical_id}) is in the target ${copies.get(row.canonical_id) ?? 0} times`,
    );
  expect(wrong).toEqual([]);
  const known = new Set(rows.map((row) => row.canonical_id));
  expect(targetHubIds.filter((id) => !known.has(id))).toEqual([]);
}
