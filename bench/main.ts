import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import {
  type BenchLine,
  type Benchmark,
  benchLineSchema,
  saveResults,
  updateReadmeTable,
} from './harness.ts';

// `npm run bench [-- NAME ...]` runs bench/<NAME>*.bench.ts (all when no name is given).
const dir = fileURLToPath(new URL('.', import.meta.url));
const filters = process.argv.slice(2).filter((arg) => !arg.startsWith('-'));
const files = (await readdir(dir))
  .filter((file) => file.endsWith('.bench.ts'))
  .filter((file) => filters.length === 0 || filters.some((name) => file.startsWith(name)))
  .sort();

if (files.length === 0) {
  process.stderr.write(`No benchmark matches ${filters.join(', ')}\n`);
  process.exit(1);
}

/** Set in a benchmark's own process: where it leaves its figures for the process that started it. */
const figuresFile = process.env.BENCH_FIGURES_FILE;

async function runHere(file: string): Promise<BenchLine[]> {
  const run = (await import(`./${file}`)).default as Benchmark;
  const lines = await run();
  for (const line of lines) process.stdout.write(`${JSON.stringify(line)}\n`);
  return lines;
}

/**
 * Each benchmark file runs in a process of its own: memory, caches and collector state left by
 * one would otherwise show in the next one's figures (peak RSS above all).
 */
function runInOwnProcess(file: string): BenchLine[] {
  const scratch = mkdtempSync(join(tmpdir(), 'thub-bench-'));
  const out = join(scratch, 'figures.json');
  try {
    const entry = fileURLToPath(new URL('../bin/bench.js', import.meta.url));
    const child = spawnSync(
      process.execPath,
      [...process.execArgv, entry, file.replace(/\.bench\.ts$/, '.bench')],
      {
        stdio: 'inherit',
        env: { ...process.env, BENCH_FIGURES_FILE: out },
      },
    );
    if (child.status !== 0)
      throw new Error(`benchmark ${file} failed (exit ${child.status ?? child.signal})`);
    return z.array(benchLineSchema).parse(JSON.parse(readFileSync(out, 'utf8')));
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

if (figuresFile) {
  await writeFile(figuresFile, JSON.stringify(await runHere(files[0]!)));
  process.exit(0);
}

const bySource = new Map<string, BenchLine[]>();
for (const file of files)
  bySource.set(file, files.length === 1 ? await runHere(file) : runInOwnProcess(file));
await saveResults(bySource, { complete: filters.length === 0 });
await updateReadmeTable();
process.exit(0);
