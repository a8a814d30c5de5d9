import { appendFile } from 'node:fs/promises';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { createCsvConnector, isCsvRowError } from '../../../connectors/csv/index.ts';
import { createCsvRuntime } from '../../../connectors/csv/runtime.ts';
import { createMemoryState } from '../../../core/connector/index.ts';
import type { ReadPage } from '../../../core/connector/types.ts';
import {
  listFolder,
  makeConfig,
  makeContext,
  makeFolder,
  nextRun,
  put,
  readAll,
  supplierStream,
} from './harness.ts';

const header = 'Code,Name,Lead time,Email\n';

describe('CSV import from a local folder', () => {
  it('maps the header, reads numbers, moves the file to processed/ and names it in the cursor', async () => {
    const folder = await makeFolder();
    await put(
      folder,
      'suppliers_2025-01-02.csv',
      `${header}S-1,Acme GmbH,14,buy@acme.example\nS-2,Bolt Ltd,7,\n`,
    );
    await put(folder, 'notes.txt', 'not a supplier file');
    const pages = await readAll(makeConfig(folder), 'suppliers');
    expect(pages).toHaveLength(1);
    expect(pages[0].records).toEqual([
      { code: 'S-1', name: 'Acme GmbH', leadTimeDays: 14, email: 'buy@acme.example' },
      { code: 'S-2', name: 'Bolt Ltd', leadTimeDays: 7 },
    ]);
    const cursor = pages[0].cursor as { files: Array<{ name: string; hash: string }> };
    expect(cursor.files).toEqual([
      { name: 'suppliers_2025-01-02.csv', hash: expect.stringMatching(/^[0-9a-f]{64}$/) },
    ]);
    expect(await nextRun(makeConfig(folder), 'suppliers', pages)).toEqual([]);
    expect(await listFolder(folder)).toEqual(['notes.txt', 'processed']);
    expect(await listFolder(folder, 'processed')).toEqual(['suppliers_2025-01-02.csv']);
  });

  it('turns bad rows into errors naming file, line and field while the rest imports', async () => {
    const folder = await makeFolder();
    const rows = [
      'S-1,Acme GmbH,14,a@acme.example',
      'S-2,Bolt Ltd,seven,',
      'S-3,Crane AG',
      ',Dyna Corp,3,',
      '"S-5","Eagle\nWorks",5,',
      'S-6,,2,',
      'S-7,Falcon,9,',
    ];
    await put(folder, 'suppliers.csv', `${header}${rows.join('\n')}\n`);
    const [page] = await readAll(makeConfig(folder), 'suppliers');
    await nextRun(makeConfig(folder), 'suppliers', [page]);
    const errors = page.records.filter(isCsvRowError).map((record) => record.__error);
    expect(errors).toEqual([
      {
        fileName: 'suppliers.csv',
        line: 3,
        message: '"seven" in column "Lead time" is not a number',
        fieldPath: 'leadTimeDays',
      },
      { fileName: 'suppliers.csv', line: 4, message: 'the row has 2 fields, the header has 4' },
      { fileName: 'suppliers.csv', line: 5, message: 'column "Code" is empty', fieldPath: 'code' },
      { fileName: 'suppliers.csv', line: 8, message: 'column "Name" is empty', fieldPath: 'name' },
    ]);
    expect(page.records.filter(isCsvRowError)[1].raw).toEqual({
      Code: 'S-3',
      Name: 'Crane AG',
      'Lead time': '',
      Email: '',
    });
    const imported = page.records.filter((record) => !isCsvRowError(record)) as Array<{ code: string }>;
    expect(imported.map((record) => record.code)).toEqual(['S-1', 'S-5', 'S-7']);
    expect(await listFolder(folder, 'processed')).toEqual(['suppliers.csv']);
  });

  it('reads a GBK file, and a BOM overrides the configured encoding', async () => {
    const folder = await makeFolder();
    const text = `${header}S-1,上海精密机械有限公司,10,\nS-2,深圳电子,5,\n`;
    await put(folder, 'suppliers_gbk.csv', iconv.encode(text, 'gbk'));
    const [page] = await readAll(makeConfig(folder, { encoding: 'gbk' }), 'suppliers');
    expect(page.records.map((record) => (record as { name: string }).name)).toEqual([
      '上海精密机械有限公司',
      '深圳电子',
    ]);

    await put(
      folder,
      'suppliers_bom.csv',
      Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]),
    );
    const [bomPage] = await readAll(makeConfig(folder, { encoding: 'gbk' }), 'suppliers');
    expect((bomPage.records[0] as { code: string; name: string }).code).toBe('S-1');
    expect((bomPage.records[0] as { name: string }).name).toBe('上海精密机械有限公司');
  });

  it('sends a GBK file read as UTF-8 to failed/ with a hint about the encoding', async () => {
    const folder = await makeFolder();
    const gbkFile = iconv.encode(`${header}S-1,上海精密,10,\n`, 'gbk');
    await put(folder, 'suppliers.csv', gbkFile);
    const [page] = await readAll(makeConfig(folder), 'suppliers');
    expect(await nextRun(makeConfig(folder), 'suppliers', [page])).toEqual([]);
    expect(page.records).toHaveLength(1);
    expect(isCsvRowError(page.records[0])).toBe(true);
    expect(page.records[0]).toMatchObject({
      __error: {
        fileName: 'suppliers.csv',
        line: 1,
        message: expect.stringContaining('set the encoding to gbk'),
      },
      raw: null,
    });
    expect(await listFolder(folder)).toEqual(['failed']);
    expect(await listFolder(folder, 'failed')).toEqual(['suppliers.csv']);

    // Delivered again once the encoding is fixed: the cursor naming it as failed does not skip it.
    await put(folder, 'suppliers.csv', gbkFile);
    const fixed = await readAll(makeConfig(folder, { encoding: 'gbk' }), 'suppliers', {
      cursor: page.cursor,
    });
    expect(fixed.flatMap((imported) => imported.records)).toEqual([
      { code: 'S-1', name: '上海精密', leadTimeDays: 10 },
    ]);
  });

  it('reads decimal commas when configured, with and without thousands dots', async () => {
    const folder = await makeFolder();
    const stream = {
      ...supplierStream,
      columns: { ...supplierStream.columns, Rating: 'rating' },
      numberFields: ['leadTimeDays', 'rating'],
    };
    const content =
      'Code;Name;Lead time;Email;Rating\nS-1;Acme;14;;1.234,56\nS-2;Bolt;7;;1234,56\nS-3;Crane;3;;0,5\nS-4;Dyna;2;;1.23\n';
    await put(folder, 'suppliers.csv', content);
    const config = makeConfig(folder, { delimiter: ';', decimalComma: true, streams: [stream] });
    const [page] = await readAll(config, 'suppliers');
    expect(page.records.slice(0, 3).map((record) => (record as { rating: number }).rating)).toEqual([
      1234.56, 1234.56, 0.5,
    ]);
    expect(page.records[3]).toMatchObject({
      __error: { line: 5, fieldPath: 'rating', message: '"1.23" in column "Rating" is not a number' },
    });
  });

  it('leaves a file that is still being written until its size and time stay the same', async () => {
    const folder = await makeFolder();
    await put(folder, 'suppliers.csv', `${header}S-1,Acme,14,\n`);
    const config = makeConfig(folder, { completion: { mode: 'stable', stableForMs: 500 } });
    const waits: number[] = [];
    const growing = async (ms: number) => {
      waits.push(ms);
      await appendFile(join(folder, 'suppliers.csv'), 'S-2,Bolt,7,\n');
    };
    expect(await readAll(config, 'suppliers', { runtime: { sleep: growing } })).toEqual([]);
    expect(waits).toEqual([500]);
    expect(await listFolder(folder)).toEqual(['suppliers.csv']);

    const [page] = await readAll(config, 'suppliers', { runtime: { sleep: async () => {} } });
    expect(page.records.map((record) => (record as { code: string }).code)).toEqual(['S-1', 'S-2']);
  });

  it('with a marker, reads a file only once its .done companion exists and then removes it', async () => {
    const folder = await makeFolder();
    const config = makeConfig(folder, { completion: { mode: 'marker' } });
    await put(folder, 'suppliers.csv', `${header}S-1,Acme,14,\n`);
    expect(await readAll(config, 'suppliers')).toEqual([]);
    await put(folder, 'suppliers.csv.done', '');
    const [page] = await readAll(config, 'suppliers');
    expect(page.records).toHaveLength(1);
    expect(await nextRun(config, 'suppliers', [page])).toEqual([]);
    expect(await listFolder(folder)).toEqual(['processed']);
  });

  it('skips a file delivered again under its name with the same content, from state or from the cursor', async () => {
    const folder = await makeFolder();
    const state = createMemoryState();
    const content = `${header}S-1,Acme,14,\n`;
    await put(folder, 'suppliers_monday.csv', content);
    const [first] = await readAll(makeConfig(folder), 'suppliers', { state });
    expect(first.records).toHaveLength(1);
    expect(await nextRun(makeConfig(folder), 'suppliers', [first], { state })).toEqual([]);

    await put(folder, 'suppliers_monday.csv', content);
    expect(await readAll(makeConfig(folder), 'suppliers', { state })).toEqual([]);
    const processed = await listFolder(folder, 'processed');
    expect(processed.filter((name) => name.startsWith('suppliers_monday.'))).toHaveLength(2);

    // A crash after the engine stored the page but before the file moved: the cursor suffices.
    await put(folder, 'suppliers_monday.csv', content);
    const fresh = createMemoryState();
    expect(await readAll(makeConfig(folder), 'suppliers', { state: fresh, cursor: first.cursor })).toEqual(
      [],
    );
    expect(await fresh.get('csv.suppliers.imports')).toEqual([
      { name: 'suppliers_monday.csv', hash: expect.any(String) },
    ]);
  });

  it('imports a file whose content equals an older one: a value that changes back is not lost', async () => {
    const folder = await makeFolder();
    const state = createMemoryState();
    const config = makeConfig(folder);
    const leadTime = (days: number) => `${header}S-1,Acme,${days},\n`;
    const leadTimes = (pages: ReadPage[]) =>
      pages.flatMap((page) => page.records.map((r) => (r as { leadTimeDays: number }).leadTimeDays));

    // Dated files: Monday 14, Tuesday 21, Wednesday 14 again (byte for byte Monday's file).
    await put(folder, 'suppliers_mon.csv', leadTime(14));
    const monday = await readAll(config, 'suppliers', { state });
    await put(folder, 'suppliers_tue.csv', leadTime(21));
    const tuesday = await nextRun(config, 'suppliers', monday, { state });
    await put(folder, 'suppliers_wed.csv', leadTime(14));
    const wednesday = await nextRun(config, 'suppliers', tuesday, { state });
    expect([monday, tuesday, wednesday].map(leadTimes)).toEqual([[14], [21], [14]]);

    // One fixed name: the file changes back to content it had before under that name.
    let previous = wednesday;
    const imported: number[][] = [];
    for (const days of [21, 14, 21]) {
      await put(folder, 'suppliers.csv', leadTime(days));
      previous = await nextRun(config, 'suppliers', previous, { state });
      imported.push(leadTimes(previous));
      // The next run moves the file to processed/ before the supplier writes the next one.
      expect(await nextRun(config, 'suppliers', previous, { state })).toEqual([]);
    }
    expect(imported).toEqual([[21], [14], [21]]);
  });

  it('moves a file with broken quoting or missing columns to failed/ and imports the others', async () => {
    const folder = await makeFolder();
    await put(folder, 'suppliers_a.csv', `${header}S-1,"Acme,14,\nS-2,Bolt,7,\n`);
    await put(folder, 'suppliers_b.csv', 'Code,Name\nS-9,Zeta\n');
    await put(folder, 'suppliers_c.csv', `${header}S-3,Crane,3,\n`);
    const pages = await readAll(makeConfig(folder), 'suppliers');
    expect(await nextRun(makeConfig(folder), 'suppliers', pages)).toEqual([]);
    const errors = pages.flatMap((page) =>
      page.records.filter(isCsvRowError).map((record) => record.__error),
    );
    expect(errors).toEqual([
      {
        fileName: 'suppliers_a.csv',
        line: 1,
        message: expect.stringMatching(/^suppliers_a\.csv: Quote Not Closed/),
      },
      {
        fileName: 'suppliers_b.csv',
        line: 1,
        message: 'suppliers_b.csv: the header lacks "Lead time", "Email" (found: Code, Name)',
      },
    ]);
    expect(pages.flatMap((page) => page.records.filter((record) => !isCsvRowError(record)))).toEqual([
      { code: 'S-3', name: 'Crane', leadTimeDays: 3 },
    ]);
    expect(await listFolder(folder, 'failed')).toEqual(['suppliers_a.csv', 'suppliers_b.csv']);
    expect(await listFolder(folder, 'processed')).toEqual(['suppliers_c.csv']);
  });

  it('hands a large file over in pages and resumes after the last page the engine stored', async () => {
    const folder = await makeFolder();
    const rows = Array.from({ length: 5 }, (_, index) => `S-${index + 1},Supplier ${index + 1},1,`).join(
      '\n',
    );
    await put(folder, 'suppliers.csv', `${header}${rows}\n`);
    const config = makeConfig(folder, { streams: [{ ...supplierStream, pageSize: 2 }] });
    const connector = createCsvConnector(createCsvRuntime({ sleep: async () => {} }));
    const iterator = connector.read(makeContext(config), 'suppliers')[Symbol.asyncIterator]();
    const first = await iterator.next();
    expect((first.value.records as Array<{ code: string }>).map((record) => record.code)).toEqual([
      'S-1',
      'S-2',
    ]);
    expect(first.value.cursor).toMatchObject({ files: [], partial: { name: 'suppliers.csv', line: 3 } });
    await iterator.return?.(undefined);
    expect(await listFolder(folder)).toEqual(['suppliers.csv']);

    const pages = await readAll(config, 'suppliers', { cursor: first.value.cursor });
    expect(pages.map((page) => page.records.map((record) => (record as { code: string }).code))).toEqual([
      ['S-3', 'S-4'],
      ['S-5'],
    ]);
    expect(pages[1].cursor).toEqual({ files: [{ name: 'suppliers.csv', hash: expect.any(String) }] });
  });
});
