import type { ConnectorContext } from '../../core/connector/types.ts';
import type { CsvConfig, CsvImportStream } from './config.ts';
import type { CsvFileDone } from './cursor.ts';
import { type FileEntry, type FileSource, joinPath } from './source/index.ts';

export const processedFolder = 'processed';
export const failedFolder = 'failed';

export const hashesKey = (stream: CsvImportStream) => `csv.${stream.name}.hashes`;

async function rememberHash(ctx: ConnectorContext<CsvConfig>, stream: CsvImportStream, hash: string) {
  const key = hashesKey(stream);
  await ctx.state.withLock(key, async () => {
    const hashes = (await ctx.state.get<string[]>(key)) ?? [];
    if (!hashes.includes(hash)) await ctx.state.set(key, [...hashes, hash].slice(-ctx.config.keepHashes));
  });
}

/** Moves the file (and its completion marker) out of the watched folder. */
export async function moveAside(
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

/**
 * Moves imported files to processed/ (and remembers their hashes), and unreadable ones to failed/,
 * only once the engine has stored the page whose cursor names them: their records, or their
 * failure records. The engine may prepare the next page while the current one commits, so being
 * asked for page n + 2 is what proves page n stored. Files still waiting when the run ends are
 * moved by the next run, whose start cursor names them.
 */
export function createSettlement(
  ctx: ConnectorContext<CsvConfig>,
  source: FileSource,
  stream: CsvImportStream,
) {
  const waiting: Array<{ file: FileEntry; done: CsvFileDone; page: number }> = [];
  const settle = async (file: FileEntry, done: CsvFileDone) => {
    // A failed file's hash is not remembered: delivered again after a config fix, it must be read.
    if (done.failed) return moveAside(source, ctx.config, stream, file, failedFolder);
    await rememberHash(ctx, stream, done.hash);
    await moveAside(source, ctx.config, stream, file, processedFolder);
  };
  return {
    /** For a file whose records (or failure records) are already stored. */
    settle,
    /** `page` is the 1-based number of the handed-over page whose cursor names the file. */
    settleOnceStored(file: FileEntry, done: CsvFileDone, page: number) {
      waiting.push({ file, done, page });
    },
    async storedUpTo(page: number) {
      while (waiting.length > 0 && waiting[0].page <= page) {
        const { file, done } = waiting.shift()!;
        await settle(file, done);
      }
    },
  };
}
