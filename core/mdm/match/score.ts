import type { FieldSpec, MatchDecision, MatcherConfig } from './config.ts';
import type { Features } from './features.ts';
import { BELOW, editSimilarity, jaroWinkler, tokenSimilarity } from './similarity.ts';

/**
 * Raw similarity of two values. Given `atLeast` > 0, a comparator may answer BELOW instead of the
 * value when that is under `atLeast` (the costly ones stop as soon as they can tell).
 */
const COMPARATORS: Readonly<Record<FieldSpec['compare'], (a: string, b: string, atLeast: number) => number>> =
  {
    exact: (a, b) => (a === b ? 1 : 0),
    jaroWinkler,
    tokens: tokenSimilarity,
    edit: editSimilarity,
  };

/**
 * Kept off the raw similarity a field needs before a comparator may stop short: far above the
 * rounding of the bound's arithmetic, far below any difference a similarity shows.
 */
const NEED_MARGIN = 1e-9;

export interface PairScore {
  score: number;
  /** The rule that decided the pair, when one did. */
  rule?: string;
  /** Similarity per compared field (after the floor), for the review screen. */
  fields: Record<string, number>;
  vetoed: boolean;
}

/** The deterministic key of a rule for one record, or null when a feature is missing. */
export function ruleKey(features: Features, rule: MatcherConfig['rules'][number]): string | null {
  const parts = rule.features.map((feature) => features[feature]);
  return parts.every(Boolean) ? `${rule.name}|${parts.join('|')}` : null;
}

function afterFloor(field: FieldSpec, raw: number): number {
  if (raw <= field.floor) return 0;
  return (raw - field.floor) / (1 - field.floor);
}

function compareField(field: FieldSpec, a: string, b: string): number {
  return afterFloor(field, COMPARATORS[field.compare](a, b, 0));
}

const NO_FIELDS: Record<string, number> = Object.freeze({}) as Record<string, number>;
const NO_KEYS: ReadonlySet<string> = new Set();

function matchingRule(a: Features, b: Features, config: MatcherConfig, ambiguousKeys: ReadonlySet<string>) {
  for (const rule of config.rules) {
    let equal = true;
    for (const feature of rule.features) equal &&= Boolean(a[feature]) && a[feature] === b[feature];
    if (!equal) continue;
    const key = ruleKey(a, rule);
    if (key !== null && !ambiguousKeys.has(key)) return rule.name;
  }
  return undefined;
}

/** Fields in scoring order: exact comparisons first, so a pair can be ruled out before the costly ones. */
const scoringOrders = new WeakMap<MatcherConfig, { fields: FieldSpec[]; total: number }>();

function scoringOrderOf(config: MatcherConfig) {
  let order = scoringOrders.get(config);
  if (!order) {
    const cost = (field: FieldSpec) => (field.compare === 'exact' ? 0 : 1);
    const fields = [...config.fields].sort((x, y) => cost(x) - cost(y) || y.weight - x.weight);
    order = { fields, total: fields.reduce((sum, field) => sum + field.weight, 0) };
    scoringOrders.set(config, order);
  }
  return order;
}

/**
 * Weighted fuzzy score in [0, 1]: the weighted mean of field similarities over fields both
 * records have, minus penalties for full disagreements. Fields missing on either side neither
 * help nor hurt, but the divisor never drops below `minCoverage` of the total weight, so two
 * records that share only one field cannot score high. A matching rule scores 1, unless its
 * key is ambiguous (shared by too many records). Per-field detail is collected only when asked
 * for: most candidate pairs are non-matches nobody looks at.
 *
 * With a `cutoff`, scoring stops as soon as the pair cannot reach it even if every field still
 * to compare agreed fully; the score returned is then that upper bound, below the cutoff.
 */
export function scorePair(
  a: Features,
  b: Features,
  config: MatcherConfig,
  ambiguousKeys: ReadonlySet<string> = NO_KEYS,
  withFields = true,
  cutoff = 0,
): PairScore {
  const rule = config.rules.length > 0 ? matchingRule(a, b, config, ambiguousKeys) : undefined;
  const { fields: order, total } = scoringOrderOf(config);
  const floorDivisor = total * config.minCoverage;
  const prune = cutoff > 0 && !rule;
  let remaining = 0;
  if (prune) for (const field of order) if (a[field.feature] && b[field.feature]) remaining += field.weight;
  const fields: Record<string, number> = withFields ? {} : NO_FIELDS;
  // present + remaining stays the same as fields are compared: the bound's divisor is fixed.
  const divisor = Math.max(remaining, floorDivisor);
  let present = 0;
  let earned = 0;
  for (const field of order) {
    const left = a[field.feature];
    const right = b[field.feature];
    if (!left || !right) continue;
    let similarity: number;
    if (prune && field.compare !== 'exact') {
      // The similarity below which the bound after this field falls under the cutoff.
      const span = field.weight * (1 + field.penalty);
      const need = (cutoff * divisor - earned - remaining + span) / span;
      const atLeast = need > 0 ? field.floor + need * (1 - field.floor) - NEED_MARGIN : 0;
      const raw = COMPARATORS[field.compare](left, right, atLeast);
      // Below `atLeast`: scored as if at it, an upper bound that is still under the cutoff.
      similarity = afterFloor(field, raw === BELOW ? atLeast : raw);
    } else similarity = compareField(field, left, right);
    if (withFields) fields[field.feature] = Math.round(similarity * 1000) / 1000;
    present += field.weight;
    earned += field.weight * similarity - field.weight * field.penalty * (1 - similarity);
    if (!prune) continue;
    remaining -= field.weight;
    const bound = (earned + remaining) / Math.max(present + remaining, floorDivisor);
    if (bound < cutoff) return { score: Math.max(0, bound), fields, vetoed: false };
  }
  if (rule) return { score: 1, rule, fields, vetoed: false };
  const score = Math.max(0, earned / Math.max(present, floorDivisor));
  let vetoed = false;
  for (const feature of config.vetoes)
    if (a[feature] && b[feature] && a[feature] !== b[feature]) vetoed = true;
  return { score, fields, vetoed };
}

/** Auto-merge above the high threshold, review between, new below; a veto caps at review. */
export function decide(pair: PairScore, config: MatcherConfig): MatchDecision {
  if (pair.rule) return 'merge';
  if (pair.score >= config.thresholds.merge) return pair.vetoed ? 'review' : 'merge';
  if (pair.score >= config.thresholds.review) return 'review';
  return 'new';
}
