import type { ConnectorContext } from '../../core/connector/types.ts';
import type { CsvConfig, CsvImportStream } from './config.ts';
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
 * Moves imported files to processed/ (and remembers their hashes) only once the engine has stored
 * the page whose cursor names them. The engine may prepare the next page while the current one
 * commits, so being asked for page n + 2 is what proves page n stored. Files still waiting when
 * the run ends are moved by the next run, whose start cursor names them.
 */
export function createSettlement(
  ctx: ConnectorContext<CsvConfig>,
  source: FileSource,
  stream: CsvImportStream,
) {
  const waiting: Array<{ file: FileEntry; hash: string; page: number }> = [];
  const settle = async (file: FileEntry, hash: string) => {
    await rememberHash(ctx, stream, hash);
    await moveAside(source, ctx.config, stream, file, processedFolder);
  };
  return {
    /** For a file whose import is already stored. */
    settle,
    /** `page` is the 1-based number of the handed-over page whose cursor names the file. */
    settleOnceStored(file: FileEntry, hash: string, page: number) {
      waiting.push({ file, hash, page });
    },
    async storedUpTo(page: number) {
      while (waiting.length > 0 && waiting[0].page <= page) {
        const { file, hash } = waiting.shift()!;
        await settle(file, hash);
      }
    },
  };
}
