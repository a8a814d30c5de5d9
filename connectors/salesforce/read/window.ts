/**
 * Incremental reads by SystemModstamp with an overlap window. SystemModstamp is stamped when a
 * transaction starts, so a record can become visible after later-stamped ones were read; each
 * read therefore goes back `overlap` before the newest stamp seen. Records re-read inside the
 * window are recognised by Id plus SystemModstamp: the same pair is dropped, while a newer
 * stamp on the same Id (an update) passes.
 */
export type ModstampWindow = {
  /** Newest SystemModstamp seen, ISO 8601. */
  since: string;
  /** `Id@epochMs` of every record seen inside the overlap window. */
  seen: string[];
};

export interface Stamped {
  id: string;
  modstamp: string;
}

/** Salesforce writes `2024-05-01T10:00:00.000+0000`; Date.parse wants `+00:00`. */
export function toEpochMs(modstamp: string): number {
  const ms = Date.parse(modstamp.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
  if (Number.isNaN(ms)) throw new Error(`not a SystemModstamp: ${modstamp}`);
  return ms;
}

/** SOQL dateTime literal (whole seconds, UTC), unquoted. */
export function toSoqlDateTime(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/** Where the next read starts: the newest stamp seen minus the overlap. */
export function windowStart(window: ModstampWindow, overlapMs: number): string {
  return toSoqlDateTime(toEpochMs(window.since) - overlapMs);
}

function epochOfKey(key: string): number {
  return Number(key.slice(key.lastIndexOf('@') + 1));
}

/** Drops records already seen and moves the window forward past the rest. */
export function admitRecords<T>(
  window: ModstampWindow | undefined,
  records: T[],
  stampOf: (record: T) => Stamped,
  overlapMs: number,
): { fresh: T[]; window: ModstampWindow | undefined } {
  const seen = new Set(window?.seen ?? []);
  let newest = window ? toEpochMs(window.since) : Number.NEGATIVE_INFINITY;
  const fresh: T[] = [];
  for (const record of records) {
    const { id, modstamp } = stampOf(record);
    const ms = toEpochMs(modstamp);
    const key = `${id}@${ms}`;
    if (seen.has(key)) continue;
    seen.add(key);
    fresh.push(record);
    newest = Math.max(newest, ms);
  }
  if (newest === Number.NEGATIVE_INFINITY) return { fresh, window };
  const floor = newest - overlapMs;
  return {
    fresh,
    window: {
      since: new Date(newest).toISOString(),
      seen: [...seen].filter((key) => epochOfKey(key) >= floor),
    },
  };
}
