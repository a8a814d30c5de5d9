import { parseOrThrow } from '../../errors/index.ts';
import { computeBlockingKeys, generateCandidatePairs } from './blocking.ts';
import {
  type MatchDecision,
  type MatcherConfig,
  type MatcherConfigInput,
  type MatchInputRecord,
  matcherConfigSchema,
} from './config.ts';
import { extractFeatures, type Features } from './features.ts';
import { decide, type PairScore, ruleKey, scorePair } from './score.ts';

export interface MatchPair extends PairScore {
  a: string;
  b: string;
  decision: Exclude<MatchDecision, 'new'>;
}

export interface MatchOptions {
  /**
   * Linkage where each group holds an entity at most once: keep only the best pair per record
   * (greedy by score), as between two systems' customer lists.
   */
  oneToOne?: boolean;
  onProgress?: (done: number, total: number) => void;
}

export interface MatchResult {
  /** Pairs that reached review or merge, best first. */
  pairs: MatchPair[];
  /** Pairs actually compared: blocking candidates plus rule pairs. */
  candidatePairs: number;
}

export function parseMatcherConfig(raw: unknown): MatcherConfig {
  return parseOrThrow(matcherConfigSchema, raw, { what: 'matcher config' });
}

/** Records sharing a rule key pair up directly; keys shared by too many records are ambiguous. */
function collectRulePairs(features: Features[], groups: Array<string | undefined>, config: MatcherConfig) {
  const ambiguous = new Set<string>();
  const pairs: Array<[number, number]> = [];
  for (const rule of config.rules) {
    const byKey = new Map<string, number[]>();
    features.forEach((record, index) => {
      const key = ruleKey(record, rule);
      if (key === null) return;
      const members = byKey.get(key) ?? [];
      members.push(index);
      byKey.set(key, members);
    });
    for (const [key, members] of byKey) {
      if (members.length > rule.maxGroupSize) {
        ambiguous.add(key);
        continue;
      }
      for (let a = 0; a < members.length; a += 1) {
        for (let b = a + 1; b < members.length; b += 1) {
          const [i, j] = [members[a], members[b]];
          if (groups[i] === undefined || groups[i] !== groups[j]) pairs.push([i, j]);
        }
      }
    }
  }
  return { ambiguous, pairs };
}

function keepOneToOne(pairs: MatchPair[]): MatchPair[] {
  const used = new Set<string>();
  return pairs.filter((pair) => {
    if (used.has(pair.a) || used.has(pair.b)) return false;
    used.add(pair.a);
    used.add(pair.b);
    return true;
  });
}

/**
 * Matches records against each other: deterministic rules first, then blocking and the weighted
 * fuzzy score on the candidate pairs only. Records with a `group` are matched only across groups.
 */
export function matchRecords(
  records: ReadonlyArray<MatchInputRecord>,
  configInput: MatcherConfig | MatcherConfigInput,
  options: MatchOptions = {},
): MatchResult {
  const config = parseMatcherConfig(configInput);
  const features = records.map((record) => extractFeatures(record, config));
  const groups = records.map((record) => record.group);
  const keys = features.map((record) => computeBlockingKeys(record, config));
  const candidates = generateCandidatePairs(keys, groups, config);
  const rules = collectRulePairs(features, groups, config);
  const seen = new Set(candidates.map(([i, j]) => i * records.length + j));
  for (const [i, j] of rules.pairs) {
    if (!seen.has(i * records.length + j)) {
      seen.add(i * records.length + j);
      candidates.push([i, j]);
    }
  }
  const pairs: MatchPair[] = [];
  const step = Math.max(1, Math.floor(candidates.length / 100));
  candidates.forEach(([i, j], index) => {
    const quick = scorePair(
      features[i],
      features[j],
      config,
      rules.ambiguous,
      false,
      config.thresholds.review,
    );
    const decision = decide(quick, config);
    if (decision !== 'new') {
      const detailed = scorePair(features[i], features[j], config, rules.ambiguous);
      pairs.push({ a: records[i].id, b: records[j].id, decision, ...detailed });
    }
    if (options.onProgress && index % step === 0) options.onProgress(index, candidates.length);
  });
  options.onProgress?.(candidates.length, candidates.length);
  pairs.sort((x, y) => y.score - x.score);
  return { pairs: options.oneToOne ? keepOneToOne(pairs) : pairs, candidatePairs: candidates.length };
}
