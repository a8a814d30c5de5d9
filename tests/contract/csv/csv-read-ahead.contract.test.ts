import { utimes } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createCsvConnector, isCsvRowError } from '../../../connectors/csv/index.ts';
import { createCsvRuntime } from '../../../connectors/csv/runtime.ts';
import { createMemoryState } from '../../../core/connector/index.ts';
import type { ReadPage } from '../../../core/connector/types.ts';
import { listFolder, makeConfig, makeContext, makeFolder, nextRun, put, readAll } from './harness.ts';

const header = 'Code,Name,Lead time,Email\n';
const codesOf = (pages: ReadPage[]) =>
  pages.flatMap((page) => page.records.map((r) => (r as { code: string }).code));

async function putFiles(folder: string, names: string[]) {
  for (const [index, name] of names.entries()) {
    await put(folder, name, `${header}S-${index + 1},Supplier ${index + 1},1,\n`);
    const mtime = new Date(Date.UTC(2025, 0, index + 1));
    await utimes(join(folder, name), mtime, mtime);
  }
}

/** Like core/sync/run-sync.ts on PostgreSQL, the engine asks for the next page while storing one. */
describe('CSV import with the engine reading one page ahead', () => {
  it('leaves the file and its hash alone when the page naming it was never stored', async () => {
    const folder = await makeFolder();
    await put(folder, 'suppliers_a.csv', `${header}S-1,Acme,14,\nS-2,Bolt,7,\n`);
    const config = makeConfig(folder);
    const state = createMemoryState();
    const connector = createCsvConnector(createCsvRuntime({ sleep: async () => {} }));
    const pages = connector.read(makeContext(config, state), 'suppliers')[Symbol.asyncIterator]();
    expect((await pages.next()).value.records).toHaveLength(2);
    await pages.next(); // asked ahead while page 1 is stored ...
    await pages.return?.(undefined); // ... and that transaction fails
    expect(await listFolder(folder)).toEqual(['suppliers_a.csv']);
    expect(await state.get('csv.suppliers.imports')).toBeUndefined();

    expect(codesOf(await readAll(config, 'suppliers', { state }))).toEqual(['S-1', 'S-2']);
  });

  it('leaves a failed file in the folder when its error page was never stored', async () => {
    const folder = await makeFolder();
    await put(folder, 'suppliers_broken.csv', 'Code,Name\nX-1,Broken\n');
    const config = makeConfig(folder);
    const state = createMemoryState();
    const connector = createCsvConnector(createCsvRuntime({ sleep: async () => {} }));
    const pages = connector.read(makeContext(config, state), 'suppliers')[Symbol.asyncIterator]();
    expect(isCsvRowError((await pages.next()).value.records[0])).toBe(true);
    await pages.next(); // asked ahead while the error page is stored ...
    await pages.return?.(undefined); // ... and that transaction fails
    expect(await listFolder(folder)).toEqual(['suppliers_broken.csv']);

    const again = await readAll(config, 'suppliers', { state });
    expect(again.flatMap((page) => page.records.filter(isCsvRowError))).toHaveLength(1);
    expect(await listFolder(folder)).toEqual(['suppliers_broken.csv']);
    expect(await nextRun(config, 'suppliers', again, { state })).toEqual([]);
    expect(await listFolder(folder)).toEqual(['failed']);
    expect(await listFolder(folder, 'failed')).toEqual(['suppliers_broken.csv']);
  });

  it('moves a file once the page after the next one is asked for, the rest on the next run', async () => {
    const folder = await makeFolder();
    await putFiles(folder, ['suppliers_a.csv', 'suppliers_b.csv', 'suppliers_c.csv']);
    const config = makeConfig(folder);
    const state = createMemoryState();
    const connector = createCsvConnector(createCsvRuntime({ sleep: async () => {} }));
    const pages = connector.read(makeContext(config, state), 'suppliers')[Symbol.asyncIterator]();
    await pages.next();
    await pages.next();
    expect(await listFolder(folder, 'processed')).toEqual([]);
    const third = await pages.next(); // page 1 (suppliers_a) is stored now, page 2 maybe not
    expect(await listFolder(folder, 'processed')).toEqual(['suppliers_a.csv']);
    expect((await pages.next()).done).toBe(true);
    expect(await listFolder(folder, 'processed')).toEqual(['suppliers_a.csv', 'suppliers_b.csv']);

    // Exactly once: the next run starts from the stored cursor, moves suppliers_c and imports nothing.
    expect(await readAll(config, 'suppliers', { state, cursor: third.value.cursor })).toEqual([]);
    expect(await listFolder(folder)).toEqual(['processed']);
    expect(await state.get('csv.suppliers.imports')).toHaveLength(3);
  });
});
