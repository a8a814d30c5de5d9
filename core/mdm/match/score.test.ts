import { describe, expect, it } from 'vitest';
import type { MatchInputRecord } from './config.ts';
import { customerMatcher } from './entities.ts';
import { extractFeatures } from './features.ts';
import { generateCompanies } from './generate-companies.ts';
import { parseMatcherConfig } from './matcher.ts';
import { decide, scorePair } from './score.ts';

const config = parseMatcherConfig(customerMatcher);
const rows = generateCompanies(300, 11);
const features = rows.map((row) => extractFeatures({ id: row.id!, values: row } as MatchInputRecord, config));

describe('scorePair with a cutoff', () => {
  it('decides every pair as the full score does, and cuts short only pairs below the cutoff', () => {
    const cutoff = config.thresholds.review;
    let cut = 0;
    for (let i = 0; i < features.length; i += 1) {
      for (let j = i + 1; j < Math.min(features.length, i + 40); j += 1) {
        const full = scorePair(features[i]!, features[j]!, config);
        const quick = scorePair(features[i]!, features[j]!, config, undefined, true, cutoff);
        expect(decide(quick, config)).toBe(decide(full, config));
        if (quick.score !== full.score) {
          cut += 1;
          expect(quick.score).toBeLessThan(cutoff);
          expect(quick.score).toBeGreaterThanOrEqual(full.score);
        }
      }
    }
    expect(cut).toBeGreaterThan(100);
  });

  it('still scores a pair that agrees on a rule as 1', () => {
    const a = { taxId: '91330200MA2AB1234X', core: 'hengda', country: 'CN' };
    const b = { taxId: '91330200MA2AB1234X', core: 'completely other', country: 'CN' };
    expect(scorePair(a, b, config, undefined, true, 0.45)).toMatchObject({ score: 1, rule: 'same_tax_id' });
  });
});
