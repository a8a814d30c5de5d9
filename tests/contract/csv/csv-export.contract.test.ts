import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { createCsvConnector } from '../../../connectors/csv/index.ts';
import { createCsvRuntime } from '../../../connectors/csv/runtime.ts';
import { createFolderSource } from '../../../connectors/csv/source/folder.ts';
import type { WriteOp } from '../../../core/connector/types.ts';
import { listFolder, makeConfig, makeContext, makeFolder, put, readText } from './harness.ts';

const poExport = {
  name: 'purchase_orders_out',
  entity: 'purchase_order',
  direction: 'export',
  folder: 'outbound',
  filePrefix: 'purchase-orders',
  columns: {
    'PO number': 'number',
    Supplier: 'supplierCode',
    SKU: 'lines.sku',
    Quantity: 'lines.quantity',
    Price: 'lines.price',
  },
  lines: { field: 'lines' },
};

function order(key: string, number: string, lines: Array<Record<string, unknown>>): WriteOp {
  return {
    idempotencyKey: key,
    action: 'upsert',
    canonicalId: `c-${number}`,
    record: { number, supplierCode: 'S-1', lines },
  };
}

function connectorAt(iso: string) {
  return createCsvConnector(createCsvRuntime({ now: () => new Date(iso) }));
}

describe('CSV export', () => {
  it('writes one file per batch with the header, one row per order line, and no temporary file left', async () => {
    const folder = await makeFolder();
    const config = makeConfig(folder, { streams: [poExport] });
    const ops = [
      order('k-1', 'PO-1', [
        { sku: 'A-1', quantity: 10, price: 2.5 },
        { sku: 'A-2', quantity: 4, price: 12 },
      ]),
      order('k-2', 'PO-2', [{ sku: 'B-1', quantity: 1.5 }]),
      { idempotencyKey: 'k-3', action: 'delete' as const, canonicalId: 'c-3', record: {} },
    ];
    const results = await connectorAt('2025-03-04T05:06:07.890Z').write(
      makeContext(config),
      'purchase_orders_out',
      ops,
    );
    const files = await listFolder(folder, 'outbound');
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^purchase-orders_20250304T050607Z_[0-9a-f]{16}\.csv$/);
    expect(await readText(folder, `outbound/${files[0]}`)).toBe(
      'PO number,Supplier,SKU,Quantity,Price\r\nPO-1,S-1,A-1,10,2.5\r\nPO-1,S-1,A-2,4,12\r\nPO-2,S-1,B-1,1.5,\r\n',
    );
    expect(results).toEqual([
      { ok: true, idempotencyKey: 'k-1', externalId: `${files[0]}:2`, created: true },
      { ok: true, idempotencyKey: 'k-2', externalId: `${files[0]}:4`, created: true },
      {
        ok: false,
        idempotencyKey: 'k-3',
        error: {
          kind: 'invalid_data',
          code: 'csv_export_delete',
          message: 'an export file cannot delete a record',
        },
      },
    ]);
  });

  it('overwrites the same file when a batch is retried later', async () => {
    const folder = await makeFolder();
    const config = makeConfig(folder, { streams: [poExport] });
    const ops = [order('k-1', 'PO-1', [{ sku: 'A-1', quantity: 10 }])];
    await connectorAt('2025-03-04T05:06:07Z').write(makeContext(config), 'purchase_orders_out', ops);
    await connectorAt('2025-03-04T09:00:00Z').write(makeContext(config), 'purchase_orders_out', ops);
    expect(await listFolder(folder, 'outbound')).toEqual([
      expect.stringMatching(/^purchase-orders_20250304T050607Z_/),
    ]);
    await connectorAt('2025-03-04T09:00:00Z').write(makeContext(config), 'purchase_orders_out', [
      order('k-9', 'PO-9', []),
    ]);
    expect(await listFolder(folder, 'outbound')).toHaveLength(2);
  });

  it('writes GBK with decimal commas and semicolons when configured', async () => {
    const folder = await makeFolder();
    const stream = { ...poExport, encoding: 'gbk', delimiter: ';', decimalComma: true };
    const config = makeConfig(folder, { streams: [stream] });
    const ops = [{ ...order('k-1', '采购-1', [{ sku: '螺栓', quantity: 1234.5, price: 0.75 }]) }];
    await connectorAt('2025-03-04T05:06:07Z').write(makeContext(config), 'purchase_orders_out', ops);
    const [file] = await listFolder(folder, 'outbound');
    const bytes = await readFile(join(folder, 'outbound', file));
    expect(iconv.decode(bytes, 'gbk')).toBe(
      'PO number;Supplier;SKU;Quantity;Price\r\n采购-1;S-1;螺栓;1234,5;0,75\r\n',
    );
    expect(bytes.includes(Buffer.from('螺栓', 'utf8'))).toBe(false);
  });

  it('replaces a file in one step: a failed rename leaves the old content and no temporary file', async () => {
    const folder = await makeFolder();
    const source = createFolderSource(folder);
    await put(folder, 'out/report.csv', 'old');
    await source.writeAtomic('out/report.csv', Buffer.from('new'));
    expect(await readText(folder, 'out/report.csv')).toBe('new');
    expect(await listFolder(folder, 'out')).toEqual(['report.csv']);

    await mkdir(join(folder, 'out', 'blocked.csv'));
    await put(folder, 'out/blocked.csv/keep', 'x');
    await expect(source.writeAtomic('out/blocked.csv', Buffer.from('new'))).rejects.toThrow();
    expect(await listFolder(folder, 'out')).toEqual(['blocked.csv', 'report.csv']);
  });
});
