import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { csvConfigSchema } from '../../../connectors/csv/config.ts';
import { csv } from '../../../connectors/csv/index.ts';
import { restConfigSchema } from '../../../connectors/rest/config.ts';
import { rest } from '../../../connectors/rest/index.ts';
import {
  portalCsvConfig,
  portalRestConfig,
} from '../../../connectors/sandbox/supplier-portal/connections.ts';
import { createCsvDrop } from '../../../connectors/sandbox/supplier-portal/csv-drop.ts';
import {
  type SupplierPortal,
  startSupplierPortal,
} from '../../../connectors/sandbox/supplier-portal/server.ts';
import { createMemoryState } from '../../../core/connector/index.ts';
import { logger } from '../../../core/log/index.ts';
import { fieldOf, readPages } from './harness.ts';

let portal: SupplierPortal;
let folder: string;
const ids = fieldOf('id');

function restContext(apiKey = 'portal-key') {
  const config = restConfigSchema.parse(portalRestConfig(portal.url, apiKey));
  config.streams[0]!.pageSize = 3;
  return { connectionId: 'portal', config, logger, state: createMemoryState(), allowPrivateNetwork: true };
}

beforeAll(async () => {
  portal = await startSupplierPortal({ apiKey: 'portal-key' });
  folder = await mkdtemp(join(tmpdir(), 'portal-drop-'));
  for (let n = 1; n <= 7; n += 1)
    portal.put('suppliers', { id: `SUP-${n}`, name: `Supplier ${n}`, currency: 'cny' });
});
afterAll(async () => {
  await portal.close();
  await rm(folder, { recursive: true, force: true });
});

describe('the REST and CSV connectors against the supplier portal', () => {
  it('pages through suppliers, then reads only those changed since the cursor', async () => {
    const ctx = restContext();
    const first = await readPages(rest, ctx, 'suppliers');
    expect(ids(first)).toEqual(['SUP-1', 'SUP-2', 'SUP-3', 'SUP-4', 'SUP-5', 'SUP-6', 'SUP-7']);
    expect(first.length).toBeGreaterThanOrEqual(3);
    await new Promise((resolve) => setTimeout(resolve, 5));
    portal.put('suppliers', { id: 'SUP-3', name: 'Supplier 3 (renamed)', currency: 'cny' });
    const next = await readPages(rest, ctx, 'suppliers', first.at(-1)!.cursor);
    // The boundary record comes again (at-or-after), as the REST connector documents.
    expect(ids(next)).toContain('SUP-3');
    expect(ids(next)).not.toContain('SUP-1');
  });

  it('creates a purchase order once per idempotency key and updates it by id', async () => {
    const ctx = restContext();
    const record = { number: 'PO-1', supplier_id: 'SUP-1', lines: [{ sku: 'BD-280', qty: 100 }] };
    const [created] = await rest.write(ctx, 'purchase_orders', [
      { idempotencyKey: 'k1', action: 'upsert', canonicalId: 'po-1', record },
    ]);
    const [retried] = await rest.write(ctx, 'purchase_orders', [
      { idempotencyKey: 'k1', action: 'upsert', canonicalId: 'po-1', record },
    ]);
    expect(created).toMatchObject({ ok: true, created: true });
    expect(retried).toMatchObject({ ok: true, externalId: created!.ok ? created!.externalId : '' });
    const externalId = created!.ok ? created!.externalId : '';
    const [updated] = await rest.write(ctx, 'purchase_orders', [
      {
        idempotencyKey: 'k2',
        action: 'upsert',
        canonicalId: 'po-1',
        externalId,
        record: { status: 'confirmed' },
      },
    ]);
    expect(updated).toMatchObject({ ok: true, created: false });
    expect(portal.list('purchase-orders')).toHaveLength(1);
  });

  it('reports problem details: the invalid field of a rejected record, a refused key', async () => {
    const [rejected] = await rest.write(restContext(), 'purchase_orders', [
      {
        idempotencyKey: 'k3',
        action: 'upsert',
        canonicalId: 'po-2',
        record: { number: 'PO-2', supplier_id: 'SUP-1' },
      },
    ]);
    expect(rejected).toMatchObject({ ok: false, error: { kind: 'invalid_data', fieldPath: 'lines' } });
    const refused = await readPages(rest, restContext('wrong'), 'suppliers').catch((error: unknown) => error);
    expect(refused).toMatchObject({ kind: 'auth' });
  });

  it('drops supplier files the CSV connector imports and moves to processed/', async () => {
    const drop = createCsvDrop(folder);
    await drop.drop('suppliers', [
      {
        'Supplier no': 'SUP-8',
        Name: '宁波钢材有限公司',
        'VAT id': '91330200MA2H4XYZ1B',
        Email: 'sales@nbsteel.cn',
        Phone: '+86 574 8888 0001',
        Currency: 'CNY',
        'Lead time days': 12,
        City: 'Ningbo',
        Country: 'China',
      },
    ]);
    const config = csvConfigSchema.parse(portalCsvConfig(folder, 0));
    const ctx = { connectionId: 'drop', config, logger, state: createMemoryState() };
    const pages = await readPages(csv, ctx, 'suppliers');
    expect(fieldOf('name')(pages)).toEqual(['宁波钢材有限公司']);
    expect(fieldOf('leadTimeDays')(pages)).toEqual([12]);
    // The file moves once its page is known to be stored: at the latest, on the next run.
    expect(await readPages(csv, ctx, 'suppliers', pages.at(-1)!.cursor)).toEqual([]);
    expect((await readdir(join(folder, 'processed'))).length).toBe(1);
  });
});
