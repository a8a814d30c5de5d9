import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type BenchLine, saveResults } from './harness.ts';

const line = (bench: string, value: number): BenchLine => ({ bench, value, unit: 'ms' });

describe('saveResults', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  function resultsFile() {
    const dir = mkdtempSync(join(tmpdir(), 'thub-bench-results-'));
    dirs.push(dir);
    return join(dir, 'latest.json');
  }
  const stored = (file: string) =>
    (JSON.parse(readFileSync(file, 'utf8')).results as Array<BenchLine & { source: string }>).map(
      ({ bench, value, source }) => ({ bench, value, source }),
    );

  it('drops the figures a benchmark file no longer reports and keeps those of files that did not run', async () => {
    const file = resultsFile();
    await saveResults(
      new Map([
        ['toc-mix.bench.ts', [line('toc.mix_ms', 130), line('toc.mix_stress_ms', 25_000)]],
        ['mdm.bench.ts', [line('mdm.match_100k_ms', 11_000)]],
      ]),
      { file },
    );
    await saveResults(new Map([['toc-mix.bench.ts', [line('toc.mix_ms', 120)]]]), { file });

    expect(stored(file)).toEqual([
      { bench: 'mdm.match_100k_ms', value: 11_000, source: 'mdm.bench.ts' },
      { bench: 'toc.mix_ms', value: 120, source: 'toc-mix.bench.ts' },
    ]);
  });

  it('replaces every figure when every benchmark file ran', async () => {
    const file = resultsFile();
    await saveResults(new Map([['retired.bench.ts', [line('retired.figure_ms', 5)]]]), { file });
    await saveResults(new Map([['toc-mix.bench.ts', [line('toc.mix_ms', 120)]]]), { file, complete: true });

    expect(stored(file)).toEqual([{ bench: 'toc.mix_ms', value: 120, source: 'toc-mix.bench.ts' }]);
  });
});
