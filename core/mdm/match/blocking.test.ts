import { describe, expect, it } from 'vitest';
import { computeBlockingKeys, generateCandidatePairs } from './blocking.ts';
import { type MatcherConfigInput, matcherConfigSchema } from './config.ts';

const input: MatcherConfigInput = {
  entity: 'test',
  features: [
    { name: 'name', from: ['name'], normalizer: 'text' },
    { name: 'city', from: ['city'], normalizer: 'text' },
  ],
  fields: [{ feature: 'name', compare: 'tokens', weight: 1 }],
  blocking: {
    keys: [
      { name: 'tok', parts: [{ feature: 'name', transform: 'tokens' }] },
      {
        name: 'sx_city',
        parts: [
          { feature: 'name', transform: 'soundex' },
          { feature: 'city', transform: 'prefix3' },
        ],
      },
    ],
    maxBlockSize: 4,
    window: 2,
  },
  thresholds: { merge: 0.9, review: 0.7 },
};
const config = matcherConfigSchema.parse(input);

describe('computeBlockingKeys', () => {
  it('gives several keys per record and skips keys with a missing part', () => {
    expect(computeBlockingKeys({ name: 'robert smith', city: 'sydney' }, config).map((k) => k.key)).toEqual([
      'tok|robert',
      'tok|smith',
      'sx_city|r163|syd',
    ]);
    expect(computeBlockingKeys({ name: 'robert smith' }, config).map((k) => k.key)).toEqual([
      'tok|robert',
      'tok|smith',
    ]);
  });
});

describe('generateCandidatePairs', () => {
  it('compares all pairs of a small block but only a window of a large one', () => {
    const small = Array.from({ length: 4 }, (_, i) => [{ key: 'k', sortValue: String(i) }]);
    expect(generateCandidatePairs(small, [], config)).toHaveLength(6);
    const large = Array.from({ length: 100 }, (_, i) => [
      { key: 'k', sortValue: String(i).padStart(3, '0') },
    ]);
    const pairs = generateCandidatePairs(large, [], config);
    // Each record pairs with at most `window` followers: linear, not 4,950.
    expect(pairs.length).toBe(99 + 98);
    expect(pairs).toContainEqual([10, 12]);
  });

  it('never pairs records of the same group and never repeats a pair', () => {
    const keys = [
      [
        { key: 'a', sortValue: '' },
        { key: 'b', sortValue: '' },
      ],
      [
        { key: 'a', sortValue: '' },
        { key: 'b', sortValue: '' },
      ],
      [{ key: 'a', sortValue: '' }],
    ];
    expect(generateCandidatePairs(keys, ['x', 'y', 'y'], config)).toEqual([
      [0, 1],
      [0, 2],
    ]);
  });
});
