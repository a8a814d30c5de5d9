import { mkdir, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CsvConfig, csvConfigSchema } from '../../../connectors/csv/config.ts';
import { createCsvConnector } from '../../../connectors/csv/index.ts';
import { type CsvRuntime, createCsvRuntime } from '../../../connectors/csv/runtime.ts';
import { type ConnectionState, createMemoryState } from '../../../core/connector/index.ts';
import type { Cursor, ReadPage } from '../../../core/connector/types.ts';
import { logger } from '../../../core/log/index.ts';

export async function makeFolder(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'csv-connector-'));
}

export const supplierStream = {
  name: 'suppliers',
  entity: 'supplier',
  direction: 'import',
  pattern: 'suppliers*.csv',
  columns: { Code: 'code', Name: 'name', 'Lead time': 'leadTimeDays', Email: 'email' },
  idField: 'code',
  numberFields: ['leadTimeDays'],
  requiredFields: ['name'],
};

export function makeConfig(folder: string, overrides: Record<string, unknown> = {}): CsvConfig {
  return csvConfigSchema.parse({
    source: { type: 'folder', path: folder },
    completion: { mode: 'stable', stableForMs: 0 },
    streams: [supplierStream],
    ...overrides,
  });
}

export function makeContext(config: CsvConfig, state: ConnectionState = createMemoryState()) {
  return { connectionId: 'csv-1', config, logger, state };
}

export async function readAll(
  config: CsvConfig,
  stream: string,
  options: { cursor?: Cursor; state?: ConnectionState; runtime?: Partial<CsvRuntime> } = {},
): Promise<ReadPage[]> {
  const connector = createCsvConnector(createCsvRuntime({ sleep: async () => {}, ...options.runtime }));
  const pages: ReadPage[] = [];
  for await (const page of connector.read(makeContext(config, options.state), stream, options.cursor))
    pages.push(page);
  return pages;
}

/** The engine's next run, from the cursor the previous run stored last: it moves that run's files aside. */
export function nextRun(
  config: CsvConfig,
  stream: string,
  previous: ReadPage[],
  options: { state?: ConnectionState; runtime?: Partial<CsvRuntime> } = {},
): Promise<ReadPage[]> {
  return readAll(config, stream, { ...options, cursor: previous.at(-1)?.cursor });
}

export async function put(folder: string, name: string, content: string | Buffer): Promise<void> {
  await mkdir(join(folder, ...name.split('/').slice(0, -1)), { recursive: true });
  await writeFile(join(folder, name), content);
}

export async function listFolder(folder: string, sub = '.'): Promise<string[]> {
  return (await readdir(join(folder, sub)).catch(() => [] as string[])).sort();
}

export const readText = (folder: string, name: string) => readFile(join(folder, name), 'utf8');
