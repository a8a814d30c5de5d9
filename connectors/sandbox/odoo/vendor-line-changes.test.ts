import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Cursor, ReadPage } from '../../../core/connector/index.ts';
import { odooConnector } from '../../odoo/index.ts';
import { sandboxContext } from './harness.ts';
import { type OdooSandbox, startOdooSandbox } from './server.ts';

const credentials = { database: 'demo', login: 'hub', apiKey: 'odoo-sandbox-key' };
const start = new Date('2026-11-21T23:00:00Z');
let sandbox: OdooSandbox;
let ids: { disc: number; bolt: number; discLine: number };

const context = () => sandboxContext(sandbox, credentials);

async function readItems(cursor?: Cursor): Promise<ReadPage[]> {
  const pages: ReadPage[] = [];
  for await (const page of odooConnector.read(context(), 'items', cursor)) pages.push(page);
  return pages;
}

const minimums = (pages: ReadPage[]) =>
  pages.flatMap((page) =>
    (page.records as Array<Record<string, unknown>>).map((r) => [r.id, r.vendor_min_qty]),
  );

const at = (seconds: number) => vi.setSystemTime(new Date(start.getTime() + seconds * 1000));

beforeAll(async () => {
  vi.useFakeTimers({ toFake: ['Date'], now: start });
  sandbox = await startOdooSandbox(credentials);
  const { db } = sandbox;
  const units = db.create('uom.uom', { name: 'Units', factor: 1 });
  const vendor = db.create('res.partner', { name: 'Wuxi Forging', is_company: true, supplier_rank: 1 });
  const product = (code: string) => {
    const template = db.create('product.template', { name: code });
    const id = db.create('product.product', {
      name: code,
      default_code: code,
      uom_id: units,
      product_tmpl_id: template,
    });
    return { id, template };
  };
  const [disc, bolt] = [product('BD-300'), product('HB-12')];
  const line = (template: number, minQty: number) =>
    db.create('product.supplierinfo', {
      partner_id: vendor,
      product_tmpl_id: template,
      min_qty: minQty,
      sequence: 1,
      price: 10,
      product_uom: units,
    });
  const discLine = line(disc.template, 40);
  line(bolt.template, 100);
  ids = { disc: disc.id, bolt: bolt.id, discLine };
});
afterAll(async () => {
  vi.useRealTimers();
  await sandbox.close();
});

describe('the Odoo sandbox serves the search for vendor lines written since the last read', () => {
  it('reads the item whose vendor line alone was written, with its new minimum, once', async () => {
    at(60);
    const full = await readItems();
    expect(minimums(full)).toEqual([
      [ids.disc, 40],
      [ids.bolt, 100],
    ]);

    // Raised in the vendor pricelist list: the line is written, the variant is not.
    at(65);
    sandbox.db.write('product.supplierinfo', [ids.discLine], { min_qty: 60 });
    at(70);
    const changed = await readItems(full.at(-1)!.cursor);
    expect(minimums(changed)).toEqual([[ids.disc, 60]]);

    at(80);
    const quiet = await readItems(changed.at(-1)!.cursor);
    expect(minimums(quiet)).toEqual([]);
    expect(quiet.at(-1)!.cursor).toEqual({ from: '2026-11-21 23:01:20', to: null, afterId: 0 });
  });
});
