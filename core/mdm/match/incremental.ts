import { computeBlockingKeys } from './blocking.ts';
import type { MatchDecision, MatcherConfig, MatcherConfigInput, MatchInputRecord } from './config.ts';
import { extractFeatures } from './features.ts';
import { parseMatcherConfig } from './matcher.ts';
import { decide, type PairScore, scorePair } from './score.ts';

/**
 * Blocking keys of one record, for a store to index: candidates for a new record are the stored
 * records sharing at least one key (plus those sharing a rule value such as a tax id).
 */
export function blockingKeysFor(
  record: MatchInputRecord,
  configInput: MatcherConfig | MatcherConfigInput,
): string[] {
  const config = parseMatcherConfig(configInput);
  return [...new Set(computeBlockingKeys(extractFeatures(record, config), config).map((key) => key.key))];
}

// Stores hand the same candidate objects and configs for every record of a page: parse each config
// once and extract each candidate's features once, instead of once per comparison.
const parsedConfigs = new WeakMap<object, MatcherConfig>();
const featureCache = new WeakMap<
  MatcherConfig,
  WeakMap<MatchInputRecord, ReturnType<typeof extractFeatures>>
>();

function configOf(input: MatcherConfig | MatcherConfigInput): MatcherConfig {
  let parsed = parsedConfigs.get(input);
  if (!parsed) {
    parsed = parseMatcherConfig(input);
    parsedConfigs.set(input, parsed);
  }
  return parsed;
}

/** A record's features, extracted once per record object and config (shared with blocking). */
export function matchFeaturesOf(record: MatchInputRecord, configInput: MatcherConfig | MatcherConfigInput) {
  return featuresOf(record, configOf(configInput));
}

function featuresOf(record: MatchInputRecord, config: MatcherConfig) {
  let cache = featureCache.get(config);
  if (!cache) {
    cache = new WeakMap();
    featureCache.set(config, cache);
  }
  let features = cache.get(record);
  if (!features) {
    features = extractFeatures(record, config);
    cache.set(record, features);
  }
  return features;
}

export interface CandidateMatch extends PairScore {
  id: string;
  decision: MatchDecision;
}

/**
 * Scores an incoming record against the candidates a store fetched by blocking key, best first:
 * the top one decides whether the record auto-merges, goes to review or becomes a new entity.
 */
export function matchCandidates(
  record: MatchInputRecord,
  candidates: ReadonlyArray<MatchInputRecord>,
  configInput: MatcherConfig | MatcherConfigInput,
  options: { onlyPossibleMatches?: boolean } = {},
): CandidateMatch[] {
  const config = configOf(configInput);
  const features = featuresOf(record, config);
  // Pairs that cannot reach the review threshold are cut short and come back as 'new'.
  const cutoff = options.onlyPossibleMatches ? config.thresholds.review : 0;
  return candidates
    .filter((candidate) => candidate.id !== record.id)
    .map((candidate) => {
      const score = scorePair(features, featuresOf(candidate, config), config, undefined, true, cutoff);
      return { id: candidate.id, decision: decide(score, config), ...score };
    })
    .sort((a, b) => b.score - a.score || a.id.localeCompare(b.id));
}
