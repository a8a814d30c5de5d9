import { describe, expect, it } from 'vitest';
import { isCsvRowError } from '../../../connectors/csv/index.ts';
import { makeConfig, makeFolder, put, readAll } from './harness.ts';

const orders = {
  name: 'orders',
  entity: 'purchase_order',
  direction: 'import',
  pattern: 'orders*.csv',
  columns: { PO: 'number', SKU: 'lines.sku', Qty: 'lines.quantity' },
  idField: 'number',
  numberFields: ['lines.quantity'],
  lines: { field: 'lines', groupBy: 'number' },
};

async function readOrders(content: string) {
  const folder = await makeFolder();
  await put(folder, 'orders.csv', content);
  const [page] = await readAll(makeConfig(folder, { streams: [orders] }), 'orders');
  return {
    records: page.records.filter((record) => !isCsvRowError(record)),
    errors: page.records.filter(isCsvRowError).map((record) => record.__error),
  };
}

describe('CSV rows grouped into one record per order', () => {
  it('holds the whole order back when one of its rows has the wrong number of fields', async () => {
    const { records, errors } = await readOrders('PO,SKU,Qty\nPO-1,A,1\nPO-1,B,2,oops\nPO-1,C,3\nPO-2,D,4\n');
    expect(records).toEqual([{ number: 'PO-2', lines: [{ sku: 'D', quantity: 4 }] }]);
    expect(errors).toEqual([
      {
        fileName: 'orders.csv',
        line: 3,
        message:
          'the row has 4 fields, the header has 3; the other 2 row(s) of number "PO-1" are held back with it',
      },
    ]);
  });
});
