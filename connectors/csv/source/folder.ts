import { mkdir, open, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { baseName, type FileEntry, type FileSource, joinPath, stampedName, temporaryName } from './types.ts';

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

export function createFolderSource(root: string): FileSource {
  const full = (path: string) => join(resolve(root), ...path.split('/'));
  return {
    label: `folder ${root}`,
    async list(dir) {
      const entries = await readdir(full(dir), { withFileTypes: true }).catch(
        (error: NodeJS.ErrnoException) => {
          if (error.code === 'ENOENT') return [];
          throw error;
        },
      );
      const files: FileEntry[] = [];
      for (const entry of entries) {
        if (!entry.isFile()) continue;
        const info = await stat(join(full(dir), entry.name)).catch(() => undefined);
        if (info) files.push({ name: entry.name, size: info.size, mtimeMs: info.mtimeMs });
      }
      return files;
    },
    read: (path) => readFile(full(path)),
    async moveInto(path, toDir) {
      await mkdir(full(toDir), { recursive: true });
      let target = joinPath(toDir, baseName(path));
      if (await exists(full(target))) target = joinPath(toDir, stampedName(baseName(path)));
      await rename(full(path), full(target));
      return target;
    },
    remove: (path) => rm(full(path), { force: true }),
    async writeAtomic(path, data) {
      const temporary = full(temporaryName(path));
      await mkdir(dirname(temporary), { recursive: true });
      const handle = await open(temporary, 'w');
      try {
        await handle.writeFile(data);
        await handle.sync();
      } finally {
        await handle.close();
      }
      try {
        await rename(temporary, full(path));
      } catch (error) {
        await rm(temporary, { force: true });
        throw error;
      }
    },
    async close() {},
  };
}
