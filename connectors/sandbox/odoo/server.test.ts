import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReadPage } from '../../../core/connector/index.ts';
import { odooConnector } from '../../odoo/index.ts';
import { sandboxContext } from './harness.ts';
import { type OdooSandbox, startOdooSandbox } from './server.ts';

const credentials = { database: 'demo', login: 'hub', apiKey: 'odoo-sandbox-key' };
let sandbox: OdooSandbox;
let ids: { disc: number; bolt: number; template: number; lines: number[] };

const context = () => sandboxContext(sandbox, credentials);

beforeAll(async () => {
  sandbox = await startOdooSandbox(credentials);
  const { db } = sandbox;
  const units = db.create('uom.uom', { name: 'Units', factor: 1 });
  const dozens = db.create('uom.uom', { name: 'Dozens', factor: 1 / 12 });
  const vendor = db.create('res.partner', { name: 'Wuxi Forging', is_company: true, supplier_rank: 1 });
  const gone = db.create('res.partner', { name: 'Closed Mill', is_company: true, active: false });
  const template = db.create('product.template', { name: 'Brake disc' });
  const product = (code: string, template: number, purchaseUnit = units) =>
    db.create('product.product', {
      name: code,
      default_code: code,
      uom_id: units,
      uom_po_id: purchaseUnit,
      product_tmpl_id: template,
    });
  const disc = product('BD-300', template);
  const boltTemplate = db.create('product.template', { name: 'Hub bolt' });
  const bolt = product('HB-12', boltTemplate, dozens);
  const line = (values: Record<string, unknown>) =>
    db.create('product.supplierinfo', { sequence: 1, price: 10, delay: 3, date_start: false, ...values });
  const lines = [
    // An archived vendor's line: Odoo passes it over.
    line({ partner_id: gone, product_tmpl_id: template, sequence: 0, min_qty: 500, product_uom: units }),
    line({ partner_id: vendor, product_tmpl_id: template, min_qty: 40, product_uom: units }),
    line({ partner_id: vendor, product_tmpl_id: boltTemplate, min_qty: 2, product_uom: dozens }),
  ];
  db.backdate(60);
  ids = { disc, bolt, template, lines };
});
afterAll(() => sandbox.close());

describe('the Odoo sandbox answers the items stream as Odoo 18 does', () => {
  it("serves the vendor lines the connector reads for the primary vendor's minimum", async () => {
    const pages: ReadPage[] = [];
    for await (const page of odooConnector.read(context(), 'items')) pages.push(page);
    const records = pages.flatMap((page) => page.records as Array<Record<string, unknown>>);
    const byId = new Map(records.map((record) => [record.id, record]));
    expect(byId.get(ids.disc)).toMatchObject({ vendor_min_qty: 40, seller_ids: ids.lines.slice(0, 2) });
    expect(byId.get(ids.bolt)).toMatchObject({ vendor_min_qty: 24, seller_ids: [ids.lines[2]] });
  });

  it('follows partner_id.active in a supplierinfo domain, as the connector filters vendor lines', async () => {
    const [line] = sandbox.db.search('product.supplierinfo', [['partner_id.active', '=', true]], {});
    expect(line?.id).toBe(ids.lines[1]);
    expect(sandbox.db.modelOf('product.supplierinfo').fields.partner_id).toEqual({
      type: 'many2one',
      relation: 'res.partner',
    });
  });
});

describe('the Odoo sandbox fills in what the ORM fills in on create', () => {
  it('names a manufacturing order the hub creates from the sequence, as a draft in the product unit', async () => {
    const [result] = await odooConnector.write(context(), 'work_orders', [
      {
        idempotencyKey: 'wo-defaults',
        action: 'upsert',
        canonicalId: 'c5a1f6de-0000-4000-8000-000000000001',
        record: { product_id: ids.disc, product_qty: 10, origin: 'WO-HUB-1', priority: '0' },
      },
    ]);
    expect(result).toMatchObject({ ok: true, created: true });
    sandbox.db.backdate(60);
    const pages: ReadPage[] = [];
    for await (const page of odooConnector.read(context(), 'work_orders')) pages.push(page);
    const created = pages
      .flatMap((page) => page.records as Array<Record<string, unknown>>)
      .find((record) => record.origin === 'WO-HUB-1');
    expect(created).toMatchObject({ name: 'WH/MO/00001', state: 'draft', product_uom_id: [1, 'Units'] });
  });

  it('keeps what the caller set and counts on from the highest name', () => {
    const { db } = sandbox;
    db.create('mrp.production', { product_id: ids.disc, name: 'WH/MO/00040', state: 'confirmed' });
    const next = db.create('mrp.production', { product_id: ids.disc });
    const [record] = db.search('mrp.production', [['id', '=', next]], {});
    expect(db.read('mrp.production', record!, ['name', 'state'])).toMatchObject({
      name: 'WH/MO/00041',
      state: 'draft',
    });
  });
});
