import { mkdir, readFile, writeFile } from 'node:fs/promises';
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

export async function saveResults(lines: BenchLine[], file = 'bench/results/latest.json'): Promise<void> {
  await mkdir('bench/results', { recursive: true });
  let previous: BenchLine[] = [];
  try {
    previous = z.array(benchLineSchema).parse(JSON.parse(await readFile(file, 'utf8')).results);
  } catch {
    previous = [];
  }
  const merged = new Map(previous.map((line) => [line.bench, line]));
  for (const line of lines) merged.set(line.bench, line);
  const machine = { node: process.version, platform: process.platform, arch: process.arch };
  const body = { updatedAt: new Date().toISOString(), machine, results: [...merged.values()] };
  await writeFile(file, `${JSON.stringify(body, null, 2)}\n`);
}
