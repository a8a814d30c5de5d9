export { applyMapping, type MappingContext, type MappingIssue, type MappingResult } from './apply.ts';
export {
  type CompiledMapping,
  type CompileOptions,
  clearMappingCache,
  compileMapping,
  mappingCacheStats,
  mappingVersionOf,
} from './compile.ts';
export {
  type CanonicalValidator,
  type DryRunReport,
  type DryRunSample,
  dryRun,
  type RecordCheck,
  zodValidator,
} from './dry-run.ts';
export { hashMapping } from './hash.ts';
export { normalizePhone } from './helpers.ts';
export {
  defaultMappingPath,
  loadDefaultMapping,
  loadMappingFile,
  parseMapping,
  parseMappingOverride,
  parseMappingYaml,
  readYaml,
} from './loader.ts';
export { currencyDigits, toMinorUnits } from './minor-units.ts';
export { parseDate } from './parse-date.ts';
export {
  createMemoryReferenceResolver,
  describePendingRefs,
  isParkingExpired,
  type MappingVersionRef,
  type ParkedRecord,
  type PendingRef,
  pendingRefKey,
  type ReferenceResolver,
} from './references.ts';
export { type ResolvedMapping, resolveMapping } from './resolve.ts';
export type { Direction, FieldSpec, MappingDefinition, MappingOverride } from './schema.ts';
