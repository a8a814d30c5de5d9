import { HubError, parseOrThrow } from '../../errors/index.ts';
import {
  type FieldRule,
  type GoldenRecord,
  type HistoryEntry,
  type Lineage,
  type SourceRecord,
  type Survivorship,
  type SurvivorshipInput,
  sourceKeyOf,
  sourceRecordSchema,
  survivorshipSchema,
} from './schema.ts';

function isEmpty(value: unknown): boolean {
  if (value === null || value === undefined) return true;
  if (typeof value === 'string') return value.trim() === '';
  if (Array.isArray(value)) return value.length === 0;
  return false;
}

/** Newest first; equal times fall back to system and id so the result never depends on input order. */
function byRecency(a: SourceRecord, b: SourceRecord): number {
  const time = Date.parse(b.updatedAt) - Date.parse(a.updatedAt);
  return time !== 0 ? time : sourceKeyOf(a).localeCompare(sourceKeyOf(b));
}

function lineageOf(source: SourceRecord): Lineage {
  return {
    system: source.system,
    connection: source.connection,
    externalId: source.externalId,
    updatedAt: source.updatedAt,
  };
}

/** Picks the surviving source for one field among sources (newest first) that have a value. */
function pickSource(rule: FieldRule, field: string, holders: SourceRecord[]): SourceRecord {
  switch (rule.strategy) {
    case 'mostRecent':
      return holders[0];
    case 'sourcePriority': {
      const rank = (source: SourceRecord) => {
        const index = rule.systems.indexOf(source.system);
        return index === -1 ? rule.systems.length : index;
      };
      return holders.reduce((best, source) => (rank(source) < rank(best) ? source : best));
    }
    case 'mostFrequent': {
      const counts = new Map<string, number>();
      for (const source of holders) {
        const key = JSON.stringify(source.values[field]);
        counts.set(key, (counts.get(key) ?? 0) + 1);
      }
      // `holders` is newest first, so the first holder of a top-count value is the newest of the tie.
      return holders.reduce((best, source) => {
        const count = counts.get(JSON.stringify(source.values[field])) ?? 0;
        const bestCount = counts.get(JSON.stringify(best.values[field])) ?? 0;
        return count > bestCount ? source : best;
      });
    }
  }
}

/**
 * Computes golden values from the source records of one entity: per field, the configured rule
 * picks a source among those with a non-empty value; the lineage records which one.
 */
export function computeGolden(
  id: string,
  sources: ReadonlyArray<SourceRecord>,
  survivorshipInput: Survivorship | SurvivorshipInput,
  history: HistoryEntry[] = [],
): GoldenRecord {
  const survivorship = parseOrThrow(survivorshipSchema, survivorshipInput, { what: 'survivorship rules' });
  const checked = sources.map((source, index) =>
    parseOrThrow(sourceRecordSchema, source, {
      what: `source record ${index}`,
      recordId: source?.externalId,
    }),
  );
  const seen = new Set<string>();
  for (const source of checked) {
    const key = sourceKeyOf(source);
    if (seen.has(key)) {
      throw new HubError(
        'conflict',
        'duplicate_source',
        `Source ${source.system}/${source.externalId} appears twice in ${id}`,
        {
          details: { recordId: id },
        },
      );
    }
    seen.add(key);
  }
  const ordered = [...checked].sort(byRecency);
  const fields = [...new Set(ordered.flatMap((source) => Object.keys(source.values)))].sort();
  const values: Record<string, unknown> = {};
  const lineage: Record<string, Lineage> = {};
  for (const field of fields) {
    const holders = ordered.filter((source) => !isEmpty(source.values[field]));
    if (holders.length === 0) continue;
    const winner = pickSource(survivorship.fields[field] ?? survivorship.default, field, holders);
    values[field] = winner.values[field];
    lineage[field] = lineageOf(winner);
  }
  return { id, values, lineage, sources: ordered, history };
}
