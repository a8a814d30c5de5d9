import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { odooConnector as odoo } from '../../../connectors/odoo/index.ts';
import { sandboxContext } from '../../../connectors/sandbox/odoo/harness.ts';
import { type OdooSandbox, startOdooSandbox } from '../../../connectors/sandbox/odoo/server.ts';
import type { ReadPage } from '../../../core/connector/types.ts';
import { isHubError } from '../../../core/errors/index.ts';
import { readPages } from './harness.ts';

const credentials = { database: 'demo', login: 'hub', apiKey: 'odoo-demo-key' };
let sandbox: OdooSandbox;

const context = (overrides: Record<string, unknown> = {}) =>
  sandboxContext(sandbox, credentials, { pageSize: 2, ...overrides });

const readAll = (ctx: ReturnType<typeof context>, stream: string, cursor?: ReadPage['cursor']) =>
  readPages(odoo, ctx, stream, cursor);

const namesOf = (pages: ReadPage[]) =>
  pages.flatMap((page) => page.records.map((record) => (record as { name: string }).name));

beforeAll(async () => {
  sandbox = await startOdooSandbox(credentials);
  const cn = sandbox.db.create('res.country', { name: 'China', code: 'CN' });
  for (const name of [
    '杭州海通机械有限公司',
    'Ningbo Brake Parts',
    'Wuxi Forging',
    'Suzhou Gears',
    'Shanghai Axles',
  ])
    sandbox.db.create('res.partner', {
      name,
      is_company: true,
      customer_rank: 1,
      country_id: cn,
      phone: '+86 571 8888 0000',
    });
  sandbox.db.create('res.partner', { name: 'Steel Supplier', is_company: true, supplier_rank: 1 });
  sandbox.db.backdate(60);
});
afterAll(() => sandbox.close());

describe('the Odoo connector against the Odoo sandbox', () => {
  it('authenticates and finds every model and field its streams read', async () => {
    const result = await odoo.check(context());
    expect(result.checks.filter((check) => !check.ok)).toEqual([]);
  });

  it('reads customers in id pages inside a write_date window, then only what changed since', async () => {
    const ctx = context();
    const first = await readAll(ctx, 'customers');
    expect(namesOf(first)).toHaveLength(5);
    expect(first.length).toBeGreaterThanOrEqual(3);
    expect(first[0]!.records[0]).toMatchObject({
      country_id: [expect.any(Number), 'China'],
      country: { code: 'CN' },
    });
    const [wuxi] = sandbox.db.search('res.partner', [['name', '=', 'Wuxi Forging']], {});
    sandbox.db.write('res.partner', [wuxi!.id], { phone: '+86 510 8888 0001' });
    await sleep(1100);
    const next = await readAll(ctx, 'customers', first.at(-1)!.cursor);
    expect(namesOf(next)).toEqual(['Wuxi Forging']);
  });

  it('creates through the match field once, then updates the same partner', async () => {
    const ctx = context();
    const op = (key: string, phone: string) => ({
      idempotencyKey: key,
      action: 'upsert' as const,
      canonicalId: 'cust-42',
      record: { name: 'Hefei Castings', is_company: true, customer_rank: 1, phone },
    });
    const [created] = await odoo.write(ctx, 'customers', [op('a', '+86 551 1')]);
    const [retried] = await odoo.write(ctx, 'customers', [op('b', '+86 551 2')]);
    expect(created).toMatchObject({ ok: true, created: true });
    expect(retried).toMatchObject({
      ok: true,
      created: false,
      externalId: created!.ok ? created!.externalId : '',
    });
    expect(sandbox.db.search('res.partner', [['ref', '=', 'cust-42']], {}).map((row) => row.phone)).toEqual([
      '+86 551 2',
    ]);
  });

  it('answers faults in Odoo shape: invalid fields, missing required values, missing records, refused logins', async () => {
    const ctx = context();
    const [invalid] = await odoo.write(ctx, 'customers', [
      { idempotencyKey: 'i', action: 'upsert', canonicalId: 'c-1', record: { name: 'X', colour: 'red' } },
    ]);
    expect(invalid).toMatchObject({ ok: false, error: { code: 'odoo_invalid_field', fieldPath: 'colour' } });
    const [noPartner] = await odoo.write(ctx, 'sales_orders', [
      { idempotencyKey: 's', action: 'upsert', canonicalId: 'so-1', record: { client_order_ref: 'SO-1' } },
    ]);
    expect(noPartner).toMatchObject({
      ok: false,
      error: { code: 'odoo_validation_error', fieldPath: 'partner_id' },
    });
    const [gone] = await odoo.write(ctx, 'customers', [
      {
        idempotencyKey: 'g',
        action: 'upsert',
        canonicalId: 'c-2',
        externalId: '999999',
        record: { name: 'Y' },
      },
    ]);
    expect(gone).toMatchObject({ ok: false, error: { kind: 'not_found', code: 'odoo_missing_record' } });
    const refused = await readAll(context({ apiKey: 'wrong' }), 'customers').catch((error: unknown) => error);
    expect(isHubError(refused) && refused.code).toBe('odoo_login_failed');
  });
});
