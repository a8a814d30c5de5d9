import { defineConnector } from '../../core/connector/define.ts';
import type { StreamSpec } from '../../core/connector/types.ts';
import { HubError } from '../../core/errors/index.ts';
import { checkCsv } from './check.ts';
import { type CsvConfig, type CsvStream, csvConfigSchema } from './config.ts';
import { writeExportStream } from './export.ts';
import { readImportStream } from './read.ts';
import { type CsvRuntime, createCsvRuntime } from './runtime.ts';

export type { CsvConfig } from './config.ts';
export { type CsvRowError, isCsvRowError } from './row-error.ts';

/** The streams are declared per connection; the engine asks the connection's config for them. */
export function csvStreamSpecs(config: CsvConfig): StreamSpec[] {
  return config.streams.map((stream) => ({
    name: stream.name,
    entity: stream.entity,
    primaryKey: stream.direction === 'import' ? stream.idField : 'id',
    read: stream.direction === 'import',
    write: stream.direction === 'export',
  }));
}

function findCsvStream<D extends CsvStream['direction']>(config: CsvConfig, name: string, direction: D) {
  const stream = config.streams.find((candidate) => candidate.name === name);
  if (!stream) {
    const known = config.streams.map((s) => s.name).join(', ');
    throw new HubError(
      'config',
      'unknown_stream',
      `the connection has no CSV stream "${name}" (streams: ${known})`,
    );
  }
  if (stream.direction !== direction) {
    const verb = direction === 'import' ? 'read' : 'written';
    throw new HubError(
      'config',
      'wrong_direction',
      `CSV stream "${name}" is an ${stream.direction} stream and cannot be ${verb}`,
    );
  }
  return stream as Extract<CsvStream, { direction: D }>;
}

export function createCsvConnector(runtime: CsvRuntime = createCsvRuntime()) {
  return defineConnector<CsvConfig>({
    kind: 'csv',
    title: 'CSV files (folder or SFTP)',
    configSchema: csvConfigSchema,
    streams: [],
    streamsFor: csvStreamSpecs,
    check: (ctx) => checkCsv(ctx, runtime),
    read: (ctx, stream, cursor) =>
      readImportStream(ctx, findCsvStream(ctx.config, stream, 'import'), cursor, runtime),
    write: (ctx, stream, ops) =>
      writeExportStream(ctx, findCsvStream(ctx.config, stream, 'export'), ops, runtime),
  });
}

export const csv = createCsvConnector();
