import { createHash } from 'node:crypto';
import type { ConnectorContext, Cursor, ReadPage } from '../../core/connector/types.ts';
import { HubError } from '../../core/errors/index.ts';
import { matchingFiles, selectComplete } from './completion.ts';
import { type CsvConfig, type CsvImportStream, formatOf } from './config.ts';
import {
  type CsvCursor,
  type CsvFileDone,
  isFile,
  parseCsvCursor,
  toCursorJson,
  withFinishedFile,
} from './cursor.ts';
import { decodeFile } from './encoding.ts';
import { type CsvEntry, parseCsvFile } from './parse.ts';
import { createRowError } from './row-error.ts';
import type { CsvRuntime } from './runtime.ts';
import { createSettlement, readImports } from './settle.ts';
import { type FileEntry, type FileSource, joinPath } from './source/index.ts';

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function pagesOf(entries: CsvEntry[], size: number): CsvEntry[][] {
  if (entries.length === 0) return [[]];
  const pages: CsvEntry[][] = [];
  for (let start = 0; start < entries.length; start += size) pages.push(entries.slice(start, start + size));
  return pages;
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

/** A file's pages, and the cursor entry its last page adds: its records, or its failure record. */
interface FilePlan {
  done: CsvFileDone;
  pages: Array<{ records: unknown[]; cursor: CsvCursor }>;
}

/** The rows not yet stored, in pages; the last page's cursor names the file as imported. */
function importPlan(
  entries: CsvEntry[],
  file: FileEntry,
  hash: string,
  cursor: CsvCursor,
  size: number,
): FilePlan {
  const done: CsvFileDone = { name: file.name, hash };
  const doneUpTo = cursor.partial && isFile(cursor.partial, file.name, hash) ? cursor.partial.line : 0;
  const pages = pagesOf(
    entries.filter((entry) => entry.line > doneUpTo),
    size,
  );
  return {
    done,
    pages: pages.map((page, index) => ({
      records: page.map((entry) => ('error' in entry ? entry.error : entry.record)),
      cursor:
        index === pages.length - 1
          ? withFinishedFile(cursor, done)
          : { files: cursor.files, partial: { name: file.name, hash, line: page[page.length - 1].line } },
    })),
  };
}

/** An unreadable file is one page, its failure record, whose cursor names the file as failed. */
function failurePlan(error: HubError, file: FileEntry, hash: string, cursor: CsvCursor): FilePlan {
  const done: CsvFileDone = { name: file.name, hash, failed: true };
  const records = [createRowError(file.name, 1, error.message, null)];
  return { done, pages: [{ records, cursor: withFinishedFile(cursor, done) }] };
}

/**
 * The content hash of the latest import under this name, from lists of imported files, newest
 * list first and each newest last: the start cursor (whose files are stored, though a crash may
 * have kept them from processed/), then the imports remembered in the connection state.
 */
function lastImportedHash(name: string, ...newestFirst: CsvFileDone[][]): string | undefined {
  for (const files of newestFirst) {
    const latest = [...files].reverse().find((done) => done.name === name && !done.failed);
    if (latest) return latest.hash;
  }
  return undefined;
}

/** The complete files, oldest first; an interrupted file first, as the cursor keeps one resume point. */
async function readyFiles(
  source: FileSource,
  config: CsvConfig,
  stream: CsvImportStream,
  cursor: CsvCursor,
  runtime: CsvRuntime,
): Promise<FileEntry[]> {
  const listed = matchingFiles(
    await source.list(stream.folder),
    stream.pattern,
    config.completion.markerSuffix,
  );
  const ready = await selectComplete(source, stream.folder, listed, config.completion, runtime.sleep);
  const resumesFirst = (file: FileEntry) => (file.name === cursor.partial?.name ? 0 : 1);
  return ready.sort(
    (a, b) => resumesFirst(a) - resumesFirst(b) || a.mtimeMs - b.mtimeMs || a.name.localeCompare(b.name),
  );
}

/**
 * Imports the stream's complete files, oldest first. Each file's records are handed over in
 * pages; the last page's cursor names the file and its content hash, so the engine commits the
 * records and "file imported" together. The file moves to processed/ only once that page is
 * known to be stored (see createSettlement): until then a re-read finds it in the cursor. A file
 * is skipped only when its latest import under the same name had the same content; another file
 * with an older file's content is imported again (records upsert by id, so this is harmless).
 * An unreadable file is handed over as one failure record, named in the cursor as failed, and
 * moves to failed/ the same way.
 */
export async function* readImportStream(
  ctx: ConnectorContext<CsvConfig>,
  stream: CsvImportStream,
  startCursor: Cursor | undefined,
  runtime: CsvRuntime,
): AsyncGenerator<ReadPage> {
  const { config, logger } = ctx;
  const source = await runtime.openSource(config.source);
  const settlement = createSettlement(ctx, source, stream);
  let handedOver = 0;
  async function* handOver(page: ReadPage): AsyncGenerator<ReadPage> {
    yield page;
    handedOver += 1;
    // Asked for the page after this one: the engine has stored the page before this one.
    await settlement.storedUpTo(handedOver - 1);
  }
  try {
    let cursor: CsvCursor = parseCsvCursor(startCursor);
    const startFiles = cursor.files;
    const imported = await readImports(ctx, stream);
    for (const file of await readyFiles(source, config, stream, cursor, runtime)) {
      const bytes = await source.read(joinPath(stream.folder, file.name));
      const hash = sha256(bytes);
      if (lastImportedHash(file.name, startFiles, imported) === hash) {
        logger.info('csv file already imported; moving it aside', { stream: stream.name, file: file.name });
        await settlement.settle(file, { name: file.name, hash });
        continue;
      }
      const entries = readEntries(bytes, file, config, stream);
      const about = { stream: stream.name, file: file.name };
      const failedAtStart = startFiles.some((done) => done.failed && isFile(done, file.name, hash));
      if (entries instanceof HubError && failedAtStart) {
        // Parsed again rather than trusted: after a config fix the same file may import now.
        logger.info('csv file failure already stored; moving it to failed/', about);
        await settlement.settle(file, { name: file.name, hash, failed: true });
        continue;
      }
      if (entries instanceof HubError)
        logger.warn('csv file unreadable; moving it to failed/', { ...about, error: entries.message });
      const plan =
        entries instanceof HubError
          ? failurePlan(entries, file, hash, cursor)
          : importPlan(entries, file, hash, cursor, stream.pageSize);
      for (const page of plan.pages) {
        cursor = page.cursor;
        yield* handOver({ records: page.records, cursor: toCursorJson(cursor) });
      }
      settlement.settleOnceStored(file, plan.done, handedOver);
    }
  } finally {
    await source.close();
  }
}
