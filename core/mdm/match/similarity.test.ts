import { describe, expect, it } from 'vitest';
import { editSimilarity, jaroWinkler, levenshtein, soundex, tokenSimilarity } from './similarity.ts';

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
