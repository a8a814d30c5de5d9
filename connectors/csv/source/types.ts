/** A regular file in a watched folder. */
export interface FileEntry {
  name: string;
  size: number;
  mtimeMs: number;
}

/**
 * What the CSV connector needs from where files live: a local folder or an SFTP path. Paths are
 * relative to the source's root folder and use `/`.
 */
export interface FileSource {
  /** For messages: `folder /data/in` or `sftp://host:22/outbound`. */
  readonly label: string;
  /** Regular files directly in `dir`; an absent folder lists as empty. */
  list(dir: string): Promise<FileEntry[]>;
  read(path: string): Promise<Buffer>;
  /**
   * Renames `path` into `toDir` (created when missing), atomically on the same filesystem; a
   * name already taken there gets a timestamp. Answers the new path.
   */
  moveInto(path: string, toDir: string): Promise<string>;
  remove(path: string): Promise<void>;
  /** Writes a temporary file beside the target, flushes it, then renames it over the target. */
  writeAtomic(path: string, data: Buffer): Promise<void>;
  close(): Promise<void>;
}

export function joinPath(...parts: string[]): string {
  const joined = parts
    .filter((part) => part !== '' && part !== '.')
    .join('/')
    .replace(/\/+/g, '/');
  return joined === '' ? '.' : joined;
}

export function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

export function dirName(path: string): string {
  const index = path.lastIndexOf('/');
  return index < 0 ? '.' : path.slice(0, index);
}

/** `orders.csv` → `orders.20250102T030405123Z.csv`, for a name already taken in processed/. */
export function stampedName(name: string, now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:.]/g, '');
  const dot = name.lastIndexOf('.');
  return dot > 0 ? `${name.slice(0, dot)}.${stamp}${name.slice(dot)}` : `${name}.${stamp}`;
}

export function temporaryName(path: string): string {
  return joinPath(dirName(path), `.${baseName(path)}.${process.pid}.${Date.now()}.tmp`);
}
