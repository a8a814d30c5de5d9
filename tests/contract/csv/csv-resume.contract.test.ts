import { utimes } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createCsvConnector, isCsvRowError } from '../../../connectors/csv/index.ts';
import { createCsvRuntime } from '../../../connectors/csv/runtime.ts';
import type { Cursor, ReadPage } from '../../../core/connector/types.ts';
import { makeConfig, makeContext, makeFolder, put, readAll, supplierStream } from './harness.ts';

const header = 'Code,Name,Lead time,Email\n';
const codesOf = (pages: ReadPage[]) =>
  pages.flatMap((page) =>
    page.records.filter((r) => !isCsvRowError(r)).map((r) => (r as { code: string }).code),
  );

async function putAged(folder: string, name: string, content: string, day: number) {
  await put(folder, name, content);
  const mtime = new Date(Date.UTC(2020, 0, day));
  await utimes(join(folder, name), mtime, mtime);
}

const bigFile = `${header}${[1, 2, 3, 4].map((n) => `S-${n},Supplier ${n},1,`).join('\n')}\n`;

/** Four rows in pages of two; the engine stores the first page, then the process dies. */
async function interruptedBigFile(folder: string) {
  await putAged(folder, 'suppliers_big.csv', bigFile, 10);
  const config = makeConfig(folder, { streams: [{ ...supplierStream, pageSize: 2 }] });
  const connector = createCsvConnector(createCsvRuntime({ sleep: async () => {} }));
  const pages = connector.read(makeContext(config), 'suppliers')[Symbol.asyncIterator]();
  const stored: Cursor = (await pages.next()).value.cursor;
  await pages.return?.(undefined);
  return { config, stored };
}

describe('CSV resume after a crash mid-file', () => {
  it('resumes the interrupted file first although an older file arrived meanwhile', async () => {
    const folder = await makeFolder();
    const { config, stored } = await interruptedBigFile(folder);
    await putAged(folder, 'suppliers_early.csv', `${header}E-1,Early,1,\n`, 1);

    expect(codesOf(await readAll(config, 'suppliers', { cursor: stored }))).toEqual(['S-3', 'S-4', 'E-1']);
  });

  it('keeps the resume point while other files, readable or not, are imported before it', async () => {
    const folder = await makeFolder();
    const { config, stored } = await interruptedBigFile(folder);
    await putAged(folder, 'suppliers_broken.csv', 'Code,Name\nX-1,Broken\n', 1);
    await putAged(folder, 'suppliers_early.csv', `${header}E-1,Early,1,\n`, 2);
    // The interrupted file is touched while run 2 checks it, so run 2 leaves it for later.
    const touchBig = () => putAged(folder, 'suppliers_big.csv', bigFile, 11);
    const run2 = await readAll(config, 'suppliers', { cursor: stored, runtime: { sleep: touchBig } });
    expect(codesOf(run2)).toEqual(['E-1']);

    const run3 = await readAll(config, 'suppliers', { cursor: run2.at(-1)?.cursor });
    expect(codesOf(run3)).toEqual(['S-3', 'S-4']);
  });
});
