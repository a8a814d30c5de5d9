import { readdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { type BenchLine, type Benchmark, saveResults, updateReadmeTable } from './harness.ts';

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

const all: BenchLine[] = [];
for (const file of files) {
  const run = (await import(`./${file}`)).default as Benchmark;
  for (const line of await run()) {
    process.stdout.write(`${JSON.stringify(line)}\n`);
    all.push(line);
  }
}
await saveResults(all);
await updateReadmeTable();
process.exit(0);
