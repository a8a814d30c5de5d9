import { z } from 'zod';
import type { ConnectorContext, JsonValue } from '../../core/connector/types.ts';
import type { CsvConfig, CsvImportStream } from './config.ts';
import { type CsvFileDone, isFile } from './cursor.ts';
import { type FileEntry, type FileSource, joinPath } from './source/index.ts';

export const processedFolder = 'processed';
export const failedFolder = 'failed';

/** The files imported and moved to processed/ (name and content hash), newest last. */
export const importsKey = (stream: CsvImportStream) => `csv.${stream.name}.imports`;

const importsSchema = z.array(z.object({ name: z.string(), hash: z.string() }));

/** Unreadable state only makes the next delivery of a file import again, which is harmless. */
export async function readImports(
  ctx: ConnectorContext<CsvConfig>,
  stream: CsvImportStream,
): Promise<CsvFileDone[]> {
  const parsed = importsSchema.safeParse((await ctx.state.get<JsonValue>(importsKey(stream))) ?? []);
  return parsed.success ? parsed.data : [];
}

async function rememberImport(ctx: ConnectorContext<CsvConfig>, stream: CsvImportStream, done: CsvFileDone) {
  await ctx.state.withLock(importsKey(stream), async () => {
    const others = (await readImports(ctx, stream)).filter((file) => !isFile(file, done.name, done.hash));
    const imports = [...others, { name: done.name, hash: done.hash }].slice(-ctx.config.keepHashes);
    await ctx.state.set(importsKey(stream), imports);
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
 * Moves imported files to processed/ (and remembers their names and hashes), and unreadable ones to failed/,
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
    // A failed file is not remembered: delivered again after a config fix, it must be read.
    if (done.failed) return moveAside(source, ctx.config, stream, file, failedFolder);
    await rememberImport(ctx, stream, done);
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
