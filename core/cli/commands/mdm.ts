import { readFile, writeFile } from 'node:fs/promises';
import { SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import { stringify } from 'csv-stringify/sync';
import { HubError } from '../../errors/index.ts';
import { entityMatchers } from '../../mdm/match/entities.ts';
import { type EvalRecord, parseFebrl, parseLabelledCsv } from '../../mdm/match/eval-datasets.ts';
import { evaluatePairs } from '../../mdm/match/evaluate.ts';
import { generateCompanies } from '../../mdm/match/generate-companies.ts';
import { generateItems } from '../../mdm/match/generate-items.ts';
import { matchRecords } from '../../mdm/match/matcher.ts';
import { reportFailure } from '../report-error.ts';

interface EvalOptions {
  format: string;
  left: string;
  right?: string;
  truthColumn: string;
  idColumn: string;
  entity?: string;
  includeReview?: boolean;
  oneToOne?: boolean;
}

async function loadEvalRecords(options: EvalOptions): Promise<EvalRecord[]> {
  const files = options.right ? [options.left, options.right] : [options.left];
  const groups = options.right ? ['left', 'right'] : [undefined];
  const records: EvalRecord[] = [];
  for (const [index, file] of files.entries()) {
    const text = await readFile(file, 'utf8');
    const group = groups[index];
    if (options.format === 'febrl') records.push(...parseFebrl(text, file, group));
    else
      records.push(
        ...parseLabelledCsv(text, file, {
          truthColumn: options.truthColumn,
          idColumn: options.idColumn,
          group,
        }),
      );
  }
  return records;
}

function createProgress(): { update: (done: number, total: number) => void; stop: () => void } {
  if (!process.stderr.isTTY) return { update: () => {}, stop: () => {} };
  const bar = new SingleBar({
    stream: process.stderr,
    format: 'matching [{bar}] {percentage}% {value}/{total} pairs',
  });
  let started = false;
  return {
    update: (done, total) => {
      if (!started) bar.start(total, 0);
      started = true;
      bar.update(done);
    },
    stop: () => started && bar.stop(),
  };
}

function round(value: number, digits = 4): number {
  return Math.round(value * 10 ** digits) / 10 ** digits;
}

async function runEval(options: EvalOptions): Promise<void> {
  if (options.format !== 'febrl' && options.format !== 'csv') {
    throw new HubError(
      'invalid_data',
      'unknown_eval_format',
      `--format must be febrl or csv, not "${options.format}"`,
    );
  }
  const entity = options.entity ?? (options.format === 'febrl' ? 'person' : 'customer');
  const config = entityMatchers[entity];
  if (!config) {
    throw new HubError(
      'invalid_data',
      'unknown_entity',
      `--entity must be one of ${Object.keys(entityMatchers).join(', ')}`,
    );
  }
  const start = performance.now();
  const records = await loadEvalRecords(options);
  const progress = createProgress();
  const result = matchRecords(records, config, { oneToOne: options.oneToOne, onProgress: progress.update });
  progress.stop();
  const predicted = result.pairs.filter((pair) => pair.decision === 'merge' || options.includeReview);
  const quality = evaluatePairs(predicted, records);
  const seconds = (performance.now() - start) / 1000;
  const line = {
    precision: round(quality.precision),
    recall: round(quality.recall),
    f1: round(quality.f1),
    candidatePairs: result.candidatePairs,
    seconds: round(seconds, 2),
  };
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

async function runGenerate(options: {
  kind: string;
  count: string;
  seed: string;
  out: string;
}): Promise<void> {
  const count = Number(options.count);
  const seed = Number(options.seed);
  if (!Number.isInteger(count) || count < 1)
    throw new HubError('invalid_data', 'bad_count', '--count must be a positive integer');
  if (!Number.isInteger(seed)) throw new HubError('invalid_data', 'bad_seed', '--seed must be an integer');
  const generators: Record<string, (n: number, s: number) => Array<Record<string, string>>> = {
    company: generateCompanies,
    item: generateItems,
  };
  const generate = generators[options.kind];
  if (!generate)
    throw new HubError(
      'invalid_data',
      'unknown_kind',
      `--kind must be company or item, not "${options.kind}"`,
    );
  const rows = generate(count, seed);
  await writeFile(options.out, stringify(rows, { header: true }));
  process.stderr.write(`wrote ${rows.length} ${options.kind} records to ${options.out}\n`);
}

const reportMdmFailure = (command: string, error: unknown) =>
  reportFailure(`mdm ${command}`, error, { exitCode: 2 });

export function registerMdmCommands(program: Command): void {
  const mdm = program.command('mdm').description('Master data: match quality evaluation and test data');
  mdm
    .command('eval')
    .description(
      'Match one file (deduplication) or two (linkage) and print precision, recall and F1 as one JSON line',
    )
    .requiredOption('--format <format>', 'febrl, or csv (any CSV with a truth column)')
    .requiredOption('--left <file>', 'records to deduplicate, or the left side of a linkage')
    .option('--right <file>', 'the right side of a linkage')
    .option('--truth-column <name>', 'csv: the column naming the real-world entity', 'truth')
    .option('--id-column <name>', 'csv: the record id column', 'id')
    .option('--entity <entity>', 'matcher to use: customer, person or item (febrl: person, csv: customer)')
    .option('--include-review', 'count pairs in the review band as matches')
    .option('--one-to-one', 'linkage: keep only the best match per record')
    .action(async (options: EvalOptions) => {
      try {
        await runEval(options);
      } catch (error) {
        reportMdmFailure('eval', error);
      }
    });
  mdm
    .command('generate')
    .description('Write a labelled CSV of synthetic companies or items for `thub mdm eval --format csv`')
    .requiredOption('--kind <kind>', 'company or item')
    .requiredOption('--count <n>', 'number of records')
    .option('--seed <seed>', 'random seed (same seed, same file)', '1')
    .requiredOption('--out <file>', 'CSV file to write')
    .action(async (options: { kind: string; count: string; seed: string; out: string }) => {
      try {
        await runGenerate(options);
      } catch (error) {
        reportMdmFailure('generate', error);
      }
    });
}
