import { z } from 'zod';

/** One system's copy of an entity, as the golden record keeps it. */
export const sourceRecordSchema = z.object({
  system: z.string().min(1),
  connection: z.string().min(1),
  externalId: z.string().min(1),
  updatedAt: z.iso.datetime({ offset: true }),
  values: z.record(z.string(), z.unknown()),
});
export type SourceRecord = z.infer<typeof sourceRecordSchema>;

export const fieldRuleSchema = z.discriminatedUnion('strategy', [
  /** The first listed system holding a value wins; systems not listed count after, most recent first. */
  z.object({ strategy: z.literal('sourcePriority'), systems: z.array(z.string().min(1)).min(1) }),
  z.object({ strategy: z.literal('mostRecent') }),
  /** The value most sources agree on; ties go to the value updated most recently. */
  z.object({ strategy: z.literal('mostFrequent') }),
]);
export type FieldRule = z.infer<typeof fieldRuleSchema>;

/** Survivorship per entity: a rule per field and a default for the others. */
export const survivorshipSchema = z.object({
  default: fieldRuleSchema.default({ strategy: 'mostRecent' }),
  fields: z.record(z.string(), fieldRuleSchema).default({}),
});
export type Survivorship = z.output<typeof survivorshipSchema>;
export type SurvivorshipInput = z.input<typeof survivorshipSchema>;

/** Where a golden value came from. */
export interface Lineage {
  system: string;
  connection: string;
  externalId: string;
  updatedAt: string;
}

export type HistoryEntry =
  | { action: 'merge'; at: string; absorbedId: string; sources: SourceKey[]; absorbedHistory: HistoryEntry[] }
  | { action: 'unmerge'; at: string; restoredId: string; sources: SourceKey[] };

export interface GoldenRecord {
  id: string;
  values: Record<string, unknown>;
  lineage: Record<string, Lineage>;
  sources: SourceRecord[];
  history: HistoryEntry[];
}

/** Identifies one source record: a system's connection and the id it uses. */
export interface SourceKey {
  system: string;
  connection: string;
  externalId: string;
}

export function sourceKeyOf(source: SourceKey): string {
  return `${source.system}\u0000${source.connection}\u0000${source.externalId}`;
}
