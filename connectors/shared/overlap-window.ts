/**
 * Incremental reads with an overlap window, for sources whose change stamps can become visible out
 * of order: Salesforce stamps SystemModstamp when a transaction starts, and HubSpot's search index
 * takes a while to catch up with a change. Each read therefore goes back `overlap` before the newest
 * stamp seen. Records re-read inside the window are recognised by id plus stamp: the same pair is
 * dropped, while a newer stamp on the same id (an update) passes.
 */
export type SeenWindow = {
  /** Newest stamp seen, epoch ms. */
  since: number;
  /** `id@epochMs` of every record seen inside the overlap window. */
  seen: string[];
};

export interface Stamp {
  id: string;
  ms: number;
}

export function stampKey(stamp: Stamp): string {
  return `${stamp.id}@${stamp.ms}`;
}

function epochOfKey(key: string): number {
  return Number(key.slice(key.lastIndexOf('@') + 1));
}

/** Drops records already seen and moves the window forward past the rest. */
export function admitStamped<T>(
  window: SeenWindow | undefined,
  records: T[],
  stampOf: (record: T) => Stamp,
  overlapMs: number,
): { fresh: T[]; window: SeenWindow | undefined } {
  const seen = new Set(window?.seen ?? []);
  let newest = window ? window.since : Number.NEGATIVE_INFINITY;
  const fresh: T[] = [];
  for (const record of records) {
    const stamp = stampOf(record);
    const key = stampKey(stamp);
    if (seen.has(key)) continue;
    seen.add(key);
    fresh.push(record);
    newest = Math.max(newest, stamp.ms);
  }
  if (newest === Number.NEGATIVE_INFINITY) return { fresh, window };
  const floor = newest - overlapMs;
  return { fresh, window: { since: newest, seen: [...seen].filter((key) => epochOfKey(key) >= floor) } };
}
