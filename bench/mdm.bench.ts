import { customerMatcher } from '../core/mdm/match/entities.ts';
import { generateCompanies } from '../core/mdm/match/generate-companies.ts';
import { matchRecords } from '../core/mdm/match/matcher.ts';
import type { Benchmark } from './harness.ts';
import { round } from './harness.ts';

const COUNT = 100_000;

/** Matches 100,000 generated company records (Chinese and English names, typos) end to end. */
const run: Benchmark = async () => {
  const records = generateCompanies(COUNT, 42).map(({ id, truth: _truth, ...values }) => ({ id, values }));
  const start = performance.now();
  const result = matchRecords(records, customerMatcher);
  const seconds = (performance.now() - start) / 1000;
  return [
    { bench: 'mdm.match_100k_s', value: round(seconds, 2), unit: 's', goal: '< 60 s for 100,000 records' },
    {
      bench: 'mdm.candidate_pairs_100k',
      value: result.candidatePairs,
      unit: 'pairs',
      goal: 'near-linear: a small multiple of 100,000, never all 5e9 pairs',
    },
  ];
};

export default run;
