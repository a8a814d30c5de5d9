import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { z } from 'zod';

export const benchLineSchema = z.object({
  bench: z.string(),
  value: z.number(),
  unit: z.string(),
  baseline: z.number().optional(),
  ratio: z.number().optional(),
  goal: z.string().optional(),
});
export type BenchLine = z.infer<typeof benchLineSchema>;

/** A benchmark file default-exports one of these; it returns its figures as lines. */
export type Benchmark = () => Promise<BenchLine[]>;

export function round(value: number, digits = 2): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

export function withBaseline(line: Omit<BenchLine, 'ratio'> & { baseline: number }): BenchLine {
  return { ...line, ratio: round(line.value / line.baseline, 3) };
}

/** Times `fn` once after a warm-up run and returns milliseconds. */
export async function timeMs(fn: () => unknown | Promise<unknown>, warmup = true): Promise<number> {
  if (warmup) await fn();
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

/** CPU time (user + system, ms) this process has used so far. */
export function processCpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/** A figure as kept in the results file: with the benchmark file that measured it. */
const storedLineSchema = benchLineSchema.extend({ source: z.string().optional() });
type StoredLine = z.infer<typeof storedLineSchema>;

/**
 * Merges a run's figures, by the benchmark file that measured them, into the results file. A file
 * that ran replaces every figure it measured before, so a figure it no longer reports is dropped
 * instead of being shown as current; files that did not run keep their last figures. A run of
 * every file (`complete`) replaces the whole file.
 */
export async function saveResults(
  bySource: ReadonlyMap<string, BenchLine[]>,
  options: { complete?: boolean; file?: string } = {},
): Promise<void> {
  const file = options.file ?? 'bench/results/latest.json';
  await mkdir('bench/results', { recursive: true });
  let previous: StoredLine[] = [];
  try {
    if (!options.complete)
      previous = z.array(storedLineSchema).parse(JSON.parse(await readFile(file, 'utf8')).results);
  } catch {
    previous = [];
  }
  const fresh = [...bySource].flatMap(([source, lines]) => lines.map((line) => ({ ...line, source })));
  const freshNames = new Set(fresh.map((line) => line.bench));
  const kept = previous.filter(
    (line) => !freshNames.has(line.bench) && !(line.source !== undefined && bySource.has(line.source)),
  );
  const merged = new Map([...kept, ...fresh].map((line) => [line.bench, line]));
  const machine = {
    node: process.version,
    platform: process.platform,
    arch: process.arch,
    cpus: String(availableParallelism()),
  };
  const body = { updatedAt: new Date().toISOString(), machine, results: [...merged.values()] };
  await writeFile(file, `${JSON.stringify(body, null, 2)}\n`);
}

const README = 'README.md';
const START = '<!-- bench:start -->';
const END = '<!-- bench:end -->';

/** Rewrites the README's benchmark table from bench/results/latest.json. */
export async function updateReadmeTable(file = 'bench/results/latest.json'): Promise<void> {
  const latest = JSON.parse(await readFile(file, 'utf8')) as {
    updatedAt: string;
    machine: Record<string, string>;
    results: StoredLine[];
  };
  const readme = await readFile(README, 'utf8');
  const from = readme.indexOf(START);
  const to = readme.indexOf(END);
  if (from < 0 || to < from) return;
  const rows = [...latest.results]
    .sort((a, b) => a.bench.localeCompare(b.bench))
    .map(
      (line) =>
        `| \`${line.bench}\` | ${line.value} ${line.unit} | ${line.baseline ?? ''} | ${line.ratio ?? ''} | ${line.goal ?? ''} |`,
    );
  const machine = `Node ${latest.machine.node} on ${latest.machine.platform}/${latest.machine.arch}, ${latest.machine.cpus ?? '?'} cores; last run ${latest.updatedAt}.`;
  const table = [
    '| figure | value | baseline | ratio | goal / conditions |',
    '|---|---|---|---|---|',
    ...rows,
  ].join('\n');
  await writeFile(
    README,
    `${readme.slice(0, from + START.length)}\n${machine}\n\n${table}\n${readme.slice(to)}`,
  );
}
