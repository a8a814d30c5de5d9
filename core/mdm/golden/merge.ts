import { HubError } from '../../errors/index.ts';
import {
  type GoldenRecord,
  type SourceKey,
  type Survivorship,
  type SurvivorshipInput,
  sourceKeyOf,
} from './schema.ts';
import { computeGolden } from './survive.ts';

/** Where each source record points: system, connection and external id to the golden id. */
export interface Xref extends SourceKey {
  goldenId: string;
}

export function listXrefs(golden: GoldenRecord): Xref[] {
  return golden.sources.map((source) => ({
    system: source.system,
    connection: source.connection,
    externalId: source.externalId,
    goldenId: golden.id,
  }));
}

export interface MergeOutcome {
  golden: GoldenRecord;
  /** The absorbed id now redirects to the survivor. */
  redirect: { from: string; to: string };
}

function keysOf(golden: GoldenRecord): SourceKey[] {
  return golden.sources.map(({ system, connection, externalId }) => ({ system, connection, externalId }));
}

/**
 * Merges `absorbed` into `survivor`: the source sets are united, golden values recomputed, and
 * the merge is written to the survivor's history so it can be undone.
 */
export function mergeGolden(
  survivor: GoldenRecord,
  absorbed: GoldenRecord,
  survivorship: Survivorship | SurvivorshipInput,
  at: string,
): MergeOutcome {
  if (survivor.id === absorbed.id) {
    throw new HubError(
      'conflict',
      'merge_into_self',
      `Cannot merge golden record ${survivor.id} into itself`,
    );
  }
  const history = [
    ...survivor.history,
    {
      action: 'merge' as const,
      at,
      absorbedId: absorbed.id,
      sources: keysOf(absorbed),
      absorbedHistory: absorbed.history,
    },
  ];
  const golden = computeGolden(
    survivor.id,
    [...survivor.sources, ...absorbed.sources],
    survivorship,
    history,
  );
  return { golden, redirect: { from: absorbed.id, to: survivor.id } };
}

export interface UnmergeOutcome {
  /** The golden record without the removed sources, values and lineage recomputed. */
  remaining: GoldenRecord;
  /** A golden record of the removed sources, under the id they had before the merge if known. */
  restored: GoldenRecord;
  /** When the restored id was once absorbed, its redirect must be removed. */
  clearedRedirect?: string;
}

/**
 * Takes sources out of a golden record. When exactly the sources of an earlier merge are taken
 * out, the record they came from gets its old id back; otherwise `newId` names the new record.
 */
export function unmergeGolden(
  golden: GoldenRecord,
  remove: ReadonlyArray<SourceKey>,
  survivorship: Survivorship | SurvivorshipInput,
  at: string,
  newId: string,
): UnmergeOutcome {
  const removeKeys = new Set(remove.map(sourceKeyOf));
  const taken = golden.sources.filter((source) => removeKeys.has(sourceKeyOf(source)));
  const kept = golden.sources.filter((source) => !removeKeys.has(sourceKeyOf(source)));
  if (taken.length !== removeKeys.size) {
    throw new HubError(
      'not_found',
      'unknown_source',
      `Golden record ${golden.id} does not hold every source to unmerge`,
      {
        details: { recordId: golden.id },
      },
    );
  }
  if (kept.length === 0) {
    throw new HubError(
      'conflict',
      'unmerge_all_sources',
      `Unmerging every source of ${golden.id} would leave it empty`,
    );
  }
  const earlier = [...golden.history]
    .reverse()
    .find(
      (entry) =>
        entry.action === 'merge' &&
        entry.sources.length === removeKeys.size &&
        entry.sources.every((source) => removeKeys.has(sourceKeyOf(source))),
    );
  const restoredId = earlier?.action === 'merge' ? earlier.absorbedId : newId;
  const entry = { action: 'unmerge' as const, at, restoredId, sources: remove.map((key) => ({ ...key })) };
  const remaining = computeGolden(golden.id, kept, survivorship, [...golden.history, entry]);
  const previous = earlier?.action === 'merge' ? earlier.absorbedHistory : [];
  const restored = computeGolden(restoredId, taken, survivorship, [...previous, entry]);
  return { remaining, restored, ...(earlier ? { clearedRedirect: restoredId } : {}) };
}
