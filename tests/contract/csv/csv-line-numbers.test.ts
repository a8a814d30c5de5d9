import { describe, expect, it } from 'vitest';
import { isCsvRowError } from '../../../connectors/csv/index.ts';
import { makeConfig, makeFolder, put, readAll } from './harness.ts';

async function errorLines(content: string): Promise<number[]> {
  const folder = await makeFolder();
  await put(folder, 'suppliers.csv', content);
  const [page] = await readAll(makeConfig(folder), 'suppliers');
  return page.records.filter(isCsvRowError).map((record) => record.__error.line);
}

describe('CSV row errors name the line the row starts on', () => {
  it('after quoted multi-line cells in a CRLF file', async () => {
    const content = [
      '"Code","Name","Lead time","Email"',
      'S-1,"Acme',
      'GmbH",14,',
      'S-2,Bolt,seven,',
      '',
      'S-3,"Crane',
      '',
      'AG",three,',
      'S-4,Dyna,four,',
    ].join('\r\n');
    expect(await errorLines(`\uFEFF${content}\r\n`)).toEqual([4, 6, 9]);
  });

  it('after a quoted line break in a LF file', async () => {
    expect(await errorLines('Code,Name,Lead time,Email\nS-1,"Acme\nGmbH",14,\nS-2,Bolt,seven,\n')).toEqual([
      4,
    ]);
  });
});
