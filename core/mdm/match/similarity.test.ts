import { describe, expect, it } from 'vitest';
import {
  BELOW,
  editSimilarity,
  jaro,
  jaroWinkler,
  levenshtein,
  soundex,
  tokenSimilarity,
} from './similarity.ts';

describe('similarity', () => {
  it('computes Jaro-Winkler like the reference values', () => {
    expect(jaroWinkler('martha', 'marhta')).toBeCloseTo(0.9611, 4);
    expect(jaroWinkler('dwayne', 'duane')).toBeCloseTo(0.84, 2);
    expect(jaroWinkler('dixon', 'dicksonx')).toBeCloseTo(0.8133, 4);
    expect(jaroWinkler('abc', 'xyz')).toBe(0);
    expect(jaroWinkler('', '')).toBe(0);
  });

  it('scores tokens regardless of order and tolerates typos inside tokens', () => {
    expect(tokenSimilarity('hengda auto parts', 'auto parts hengda')).toBe(1);
    expect(tokenSimilarity('suzhou yichang logistics', 'suzhou yichang logistiics')).toBeGreaterThan(0.95);
    expect(tokenSimilarity('huizhou hengfu textile', 'huizhou hengyu textile')).toBeLessThan(0.9);
    expect(tokenSimilarity('ningbo hengda auto parts', 'hengda auto parts')).toBeCloseTo(6 / 7, 5);
    expect(tokenSimilarity('ningbo hengda', 'shanghai yongli')).toBe(0);
  });

  it('measures edits', () => {
    expect(levenshtein('kitten', 'sitting')).toBe(3);
    expect(editSimilarity('5304218', '5304281')).toBeCloseTo(5 / 7, 5);
  });

  it('codes names by sound', () => {
    expect(soundex('Robert')).toBe('r163');
    expect(soundex('Rupert')).toBe('r163');
    expect(soundex('Ashcraft')).toBe('a261');
    expect(soundex('Tymczak')).toBe('t522');
    expect(soundex('李')).toBe('');
  });
});

describe('similarities given the least value wanted', () => {
  const words = [
    'kadormi',
    'kadorma',
    'karen',
    'kamilu',
    'ningbo',
    'hengfu',
    'hengyu',
    'logistics',
    'logistiics',
  ];
  let seed = 7;
  const random = () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  const phrase = () =>
    Array.from(
      { length: 1 + Math.floor(random() * 3) },
      () => words[Math.floor(random() * words.length)],
    ).join(' ');

  it('answer the full value, or BELOW only when the full value is under it', () => {
    let below = 0;
    for (let n = 0; n < 3000; n += 1) {
      const a = phrase();
      const b = phrase();
      const atLeast = random() * 1.1;
      for (const compare of [jaro, jaroWinkler, tokenSimilarity]) {
        const full = compare(a, b);
        const quick = compare(a, b, atLeast);
        if (quick === BELOW) {
          below += 1;
          expect(full).toBeLessThan(atLeast);
        } else expect(quick).toBe(full);
      }
    }
    expect(below).toBeGreaterThan(1000);
  });
});
