import { admitStamped } from '../../shared/overlap-window.ts';

/**
 * Incremental reads by SystemModstamp with an overlap window (see shared/overlap-window.ts).
 * SystemModstamp is stamped when a transaction starts, so a record can become visible after
 * later-stamped ones were read.
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

/** Drops records already seen and moves the window forward past the rest. */
export function admitRecords<T>(
  window: ModstampWindow | undefined,
  records: T[],
  stampOf: (record: T) => Stamped,
  overlapMs: number,
): { fresh: T[]; window: ModstampWindow | undefined } {
  const admitted = admitStamped(
    window && { since: toEpochMs(window.since), seen: window.seen },
    records,
    (record) => {
      const { id, modstamp } = stampOf(record);
      return { id, ms: toEpochMs(modstamp) };
    },
    overlapMs,
  );
  const next = admitted.window;
  return {
    fresh: admitted.fresh,
    window: next && { since: new Date(next.since).toISOString(), seen: next.seen },
  };
}
