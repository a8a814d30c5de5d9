import type { MatcherConfig } from './config.ts';
import type { Features } from './features.ts';
import { soundex } from './similarity.ts';

type Transform = MatcherConfig['blocking']['keys'][number]['parts'][number]['transform'];

const TRANSFORMS: Readonly<Record<Transform, (value: string) => string[]>> = {
  exact: (value) => [value],
  prefix2: (value) => [value.replace(/\s/g, '').slice(0, 2)],
  prefix3: (value) => [value.replace(/\s/g, '').slice(0, 3)],
  prefix4: (value) => [value.replace(/\s/g, '').slice(0, 4)],
  soundex: (value) => [soundex(value.split(' ')[0])],
  tokens: (value) => [...new Set(value.split(' ').filter((token) => token.length > 1))],
  sortedTokens: (value) => [value.split(' ').sort().join(' ')],
};

export interface BlockingKey {
  key: string;
  /** Orders members of an oversized block for the sliding window. */
  sortValue: string;
}

/** Every blocking key of one record: several per record, so one typo cannot hide a duplicate. */
export function computeBlockingKeys(features: Features, config: MatcherConfig): BlockingKey[] {
  const keys: BlockingKey[] = [];
  for (const definition of config.blocking.keys) {
    let combos: string[] = [''];
    for (const part of definition.parts) {
      const value = features[part.feature];
      const pieces = value ? TRANSFORMS[part.transform](value).filter(Boolean) : [];
      combos = combos.flatMap((prefix) => pieces.map((piece) => `${prefix}|${piece}`));
      if (combos.length === 0) break;
    }
    const sortValue = definition.parts.map((part) => features[part.feature] ?? '').join('|');
    for (const combo of combos) keys.push({ key: `${definition.name}${combo}`, sortValue });
  }
  return keys;
}

/**
 * Candidate pairs (indexes i < j) from blocking: records sharing a key are compared; a block
 * larger than maxBlockSize is sorted and only records within `window` positions are compared,
 * so each record adds at most window pairs per key and the total stays near-linear.
 * Records of the same group are never paired (linkage).
 */
export function generateCandidatePairs(
  keysPerRecord: ReadonlyArray<ReadonlyArray<BlockingKey>>,
  groups: ReadonlyArray<string | undefined>,
  config: MatcherConfig,
): Array<[number, number]> {
  const blocks = new Map<string, Array<{ index: number; sortValue: string }>>();
  keysPerRecord.forEach((keys, index) => {
    for (const { key, sortValue } of keys) {
      let block = blocks.get(key);
      if (!block) {
        block = [];
        blocks.set(key, block);
      }
      block.push({ index, sortValue });
    }
  });
  const n = keysPerRecord.length;
  const seen = new Set<number>();
  const pairs: Array<[number, number]> = [];
  const add = (x: number, y: number) => {
    if (x === y || (groups[x] !== undefined && groups[x] === groups[y])) return;
    const [i, j] = x < y ? [x, y] : [y, x];
    const id = i * n + j;
    if (seen.has(id)) return;
    seen.add(id);
    pairs.push([i, j]);
  };
  const { maxBlockSize, window } = config.blocking;
  for (const block of blocks.values()) {
    if (block.length < 2) continue;
    if (block.length <= maxBlockSize) {
      for (let a = 0; a < block.length; a += 1)
        for (let b = a + 1; b < block.length; b += 1) add(block[a].index, block[b].index);
      continue;
    }
    block.sort((x, y) => (x.sortValue < y.sortValue ? -1 : x.sortValue > y.sortValue ? 1 : 0));
    for (let a = 0; a < block.length; a += 1) {
      const end = Math.min(block.length, a + window + 1);
      for (let b = a + 1; b < end; b += 1) add(block[a].index, block[b].index);
    }
  }
  return pairs;
}
