import { createHash } from 'node:crypto';
import type { ConnectorContext, Cursor, ReadPage } from '../../core/connector/types.ts';
import { HubError } from '../../core/errors/index.ts';
import { matchingFiles, selectComplete } from './completion.ts';
import { type CsvConfig, type CsvImportStream, formatOf } from './config.ts';
import { type CsvCursor, parseCsvCursor, toCursorJson, withImportedFile } from './cursor.ts';
import { decodeFile } from './encoding.ts';
import { type CsvEntry, parseCsvFile } from './parse.ts';
import { createRowError } from './row-error.ts';
import type { CsvRuntime } from './runtime.ts';
import { type FileEntry, type FileSource, joinPath } from './source/index.ts';

export const processedFolder = 'processed';
export const failedFolder = 'failed';

const hashesKey = (stream: CsvImportStream) => `csv.${stream.name}.hashes`;

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function pagesOf(entries: CsvEntry[], size: number): CsvEntry[][] {
  if (entries.length === 0) return [[]];
  const pages: CsvEntry[][] = [];
  for (let start = 0; start < entries.length; start += size) pages.push(entries.slice(start, start + size));
  return pages;
}

async function rememberHash(ctx: ConnectorContext<CsvConfig>, stream: CsvImportStream, hash: string) {
  const key = hashesKey(stream);
  await ctx.state.withLock(key, async () => {
    const hashes = (await ctx.state.get<string[]>(key)) ?? [];
    if (!hashes.includes(hash)) await ctx.state.set(key, [...hashes, hash].slice(-ctx.config.keepHashes));
  });
}

/** Moves the file (and its completion marker) out of the watched folder. */
async function settleFile(
  source: FileSource,
  config: CsvConfig,
  stream: CsvImportStream,
  file: FileEntry,
  into: string,
) {
  const path = joinPath(stream.folder, file.name);
  await source.moveInto(path, joinPath(stream.folder, into));
  if (config.completion.mode === 'marker') await source.remove(`${path}${config.completion.markerSuffix}`);
}

function readEntries(
  bytes: Buffer,
  file: FileEntry,
  config: CsvConfig,
  stream: CsvImportStream,
): CsvEntry[] | HubError {
  const format = formatOf(config, stream);
  try {
    return parseCsvFile(decodeFile(bytes, format.encoding, file.name), file.name, stream, format);
  } catch (error) {
    if (error instanceof HubError && error.kind === 'invalid_data') return error;
    throw error;
  }
}

/**
 * Imports the stream's complete files, oldest first. Each file's records are handed over in
 * pages; the last page's cursor names the file and its content hash, so the engine commits the
 * records and "file imported" together. Only after the engine took the page does the file move
 * to processed/: a crash in between re-reads the file and the hash in the cursor skips it.
 */
export async function* readImportStream(
  ctx: ConnectorContext<CsvConfig>,
  stream: CsvImportStream,
  startCursor: Cursor | undefined,
  runtime: CsvRuntime,
): AsyncGenerator<ReadPage> {
  const { config, logger } = ctx;
  const source = await runtime.openSource(config.source);
  try {
    const listed = matchingFiles(
      await source.list(stream.folder),
      stream.pattern,
      config.completion.markerSuffix,
    );
    const ready = await selectComplete(source, stream.folder, listed, config.completion, runtime.sleep);
    ready.sort((a, b) => a.mtimeMs - b.mtimeMs || a.name.localeCompare(b.name));
    let cursor: CsvCursor = parseCsvCursor(startCursor);
    for (const file of ready) {
      const bytes = await source.read(joinPath(stream.folder, file.name));
      const hash = sha256(bytes);
      const stored = (await ctx.state.get<string[]>(hashesKey(stream))) ?? [];
      if (cursor.files.some((done) => done.hash === hash) || stored.includes(hash)) {
        logger.info('csv file already imported; moving it aside', { stream: stream.name, file: file.name });
        await rememberHash(ctx, stream, hash);
        await settleFile(source, config, stream, file, processedFolder);
        continue;
      }
      const entries = readEntries(bytes, file, config, stream);
      if (entries instanceof HubError) {
        logger.warn('csv file unreadable; moving it to failed/', {
          stream: stream.name,
          file: file.name,
          error: entries.message,
        });
        yield {
          records: [createRowError(file.name, 1, entries.message, null)],
          cursor: toCursorJson({ files: cursor.files }),
        };
        await settleFile(source, config, stream, file, failedFolder);
        continue;
      }
      const doneUpTo = cursor.partial?.hash === hash ? cursor.partial.line : 0;
      const pages = pagesOf(
        entries.filter((entry) => entry.line > doneUpTo),
        stream.pageSize,
      );
      for (const [index, page] of pages.entries()) {
        cursor =
          index === pages.length - 1
            ? withImportedFile(cursor, file.name, hash)
            : { files: cursor.files, partial: { name: file.name, hash, line: page[page.length - 1].line } };
        yield {
          records: page.map((entry) => ('error' in entry ? entry.error : entry.record)),
          cursor: toCursorJson(cursor),
        };
      }
      await rememberHash(ctx, stream, hash);
      await settleFile(source, config, stream, file, processedFolder);
    }
  } finally {
    await source.close();
  }
}
