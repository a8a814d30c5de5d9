import type { CsvConfig } from './config.ts';
import type { FileEntry, FileSource } from './source/index.ts';

export type Sleep = (ms: number) => Promise<void>;

export const defaultSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function patternToRegExp(pattern: string): RegExp {
  const body = pattern
    .split('')
    .map((char) =>
      char === '*' ? '[^/]*' : char === '?' ? '[^/]' : char.replace(/[\\^$.|+()[\]{}]/g, '\\$&'),
    )
    .join('');
  return new RegExp(`^${body}$`, 'i');
}

/** Files of the stream's pattern, without hidden, temporary and marker files. */
export function matchingFiles(entries: FileEntry[], pattern: string, markerSuffix: string): FileEntry[] {
  const regex = patternToRegExp(pattern);
  return entries.filter(
    (entry) => regex.test(entry.name) && !entry.name.startsWith('.') && !entry.name.endsWith(markerSuffix),
  );
}

/**
 * The candidates whose delivery is finished: a marker file beside them, or (by default) size and
 * modification time unchanged across two listings `stableForMs` apart. A file that is still
 * growing is left for the next read.
 */
export async function selectComplete(
  source: FileSource,
  dir: string,
  candidates: FileEntry[],
  completion: CsvConfig['completion'],
  sleep: Sleep,
): Promise<FileEntry[]> {
  if (candidates.length === 0) return [];
  if (completion.mode === 'marker') {
    const names = new Set((await source.list(dir)).map((entry) => entry.name));
    return candidates.filter((entry) => names.has(`${entry.name}${completion.markerSuffix}`));
  }
  await sleep(completion.stableForMs);
  const later = new Map((await source.list(dir)).map((entry) => [entry.name, entry]));
  return candidates.filter((entry) => {
    const again = later.get(entry.name);
    return (
      again !== undefined && again.size === entry.size && again.mtimeMs === entry.mtimeMs && again.size > 0
    );
  });
}
