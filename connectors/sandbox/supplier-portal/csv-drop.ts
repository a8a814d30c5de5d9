import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'csv-stringify/sync';

/**
 * The portal's file exchange: each drop writes a CSV file into the folder the CSV connector
 * watches, under a temporary name first and renamed when complete, so a reader never sees half a file.
 */
export function createCsvDrop(folder: string) {
  let sequence = 0;
  return {
    folder,
    async drop(prefix: string, rows: Array<Record<string, string | number>>): Promise<string> {
      await mkdir(folder, { recursive: true });
      sequence += 1;
      const name = `${prefix}_${new Date()
        .toISOString()
        .replace(/[-:T.Z]/g, '')
        .slice(0, 14)}_${sequence}.csv`;
      const text = stringify(rows, { header: true, columns: Object.keys(rows[0] ?? {}) });
      await writeFile(join(folder, `.${name}.part`), text, 'utf8');
      await rename(join(folder, `.${name}.part`), join(folder, name));
      return name;
    },
  };
}

export type CsvDrop = ReturnType<typeof createCsvDrop>;
