import type { MatchPair } from './matcher.ts';

export interface LabelledRecord {
  id: string;
  group?: string;
  /** Records with the same label are the same real-world entity. */
  label: string;
}

export interface MatchQuality {
  precision: number;
  recall: number;
  f1: number;
  truePositives: number;
  predicted: number;
  actual: number;
}

function pairKey(a: string, b: string): string {
  return a < b ? `${a}\u0000${b}` : `${b}\u0000${a}`;
}

/** True pairs implied by the labels; with groups, only pairs across groups count (linkage). */
export function countTruePairs(records: ReadonlyArray<LabelledRecord>): number {
  const byLabel = new Map<string, Map<string | undefined, number>>();
  for (const record of records) {
    const groups = byLabel.get(record.label) ?? new Map<string | undefined, number>();
    groups.set(record.group, (groups.get(record.group) ?? 0) + 1);
    byLabel.set(record.label, groups);
  }
  let total = 0;
  for (const groups of byLabel.values()) {
    const sizes = [...groups.values()];
    const all = sizes.reduce((sum, size) => sum + size, 0);
    // Pairs across groups = all pairs minus pairs inside each group.
    const inside = [...groups.entries()].reduce(
      (sum, [group, size]) => sum + (group === undefined ? 0 : (size * (size - 1)) / 2),
      0,
    );
    total += (all * (all - 1)) / 2 - inside;
  }
  return total;
}

/** Pairwise precision, recall and F1 of the predicted pairs against the labels. */
export function evaluatePairs(
  predicted: ReadonlyArray<Pick<MatchPair, 'a' | 'b'>>,
  records: ReadonlyArray<LabelledRecord>,
): MatchQuality {
  const labels = new Map(records.map((record) => [record.id, record.label]));
  const distinct = new Set(predicted.map((pair) => pairKey(pair.a, pair.b)));
  let truePositives = 0;
  for (const key of distinct) {
    const [a, b] = key.split('\u0000');
    if (labels.get(a) !== undefined && labels.get(a) === labels.get(b)) truePositives += 1;
  }
  const actual = countTruePairs(records);
  const precision = distinct.size === 0 ? 0 : truePositives / distinct.size;
  const recall = actual === 0 ? 0 : truePositives / actual;
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { precision, recall, f1, truePositives, predicted: distinct.size, actual };
}
