import nock from 'nock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { odooConnector } from '../../../connectors/odoo/index.ts';
import type { WriteOp } from '../../../core/connector/index.ts';
import {
  executeKwParams,
  expectRpc,
  loadFixture,
  odooContext,
  replay,
  resultResponse,
  withCachedUid,
} from './replay.ts';

beforeAll(() => nock.disableNetConnect());
afterEach(() => {
  const pending = nock.pendingMocks();
  nock.cleanAll();
  expect(pending).toEqual([]);
});

/** The record a recorded create or write sent (args[5][0] for create, args[5][1] for write). */
function recordedValues(number: string, index: 0 | 1): Record<string, unknown> {
  const args = loadFixture(number).request.body.params.args[5] as unknown[];
  return args[index] as Record<string, unknown>;
}

function lookup(model: string, field: string, value: unknown) {
  return executeKwParams(model, 'search_read', [[[field, '=', value]]], {
    fields: ['id'],
    limit: 2,
    context: { active_test: false },
  });
}

const op = (overrides: Partial<WriteOp> & { record: Record<string, unknown> }): WriteOp => ({
  idempotencyKey: `key-${overrides.canonicalId ?? 'c1'}`,
  action: 'upsert',
  canonicalId: 'c1',
  ...overrides,
});

describe('odoo writes', () => {
  it('creates a customer after looking it up by ref, so a retried create cannot duplicate it', async () => {
    const ctx = await withCachedUid(odooContext());
    expectRpc(lookup('res.partner', 'ref', 'HUB-CUST-0001'), resultResponse([]));
    replay('50');
    const results = await odooConnector.write(ctx, 'customers', [
      op({ canonicalId: 'cust-1', record: recordedValues('50', 0) }),
    ]);
    expect(results).toEqual([{ ok: true, idempotencyKey: 'key-cust-1', externalId: '45', created: true }]);
  });

  it('updates instead of creating when the retried create finds its first attempt', async () => {
    const ctx = await withCachedUid(odooContext());
    const values = recordedValues('50', 0);
    expectRpc(lookup('res.partner', 'ref', 'HUB-CUST-0001'), resultResponse([{ id: 45 }]));
    expectRpc(executeKwParams('res.partner', 'write', [[45], values]), loadFixture('51').response);
    const results = await odooConnector.write(ctx, 'customers', [
      op({ canonicalId: 'cust-1', record: values }),
    ]);
    expect(results).toEqual([{ ok: true, idempotencyKey: 'key-cust-1', externalId: '45', created: false }]);
  });

  it('never re-sends a create whose answer came late; the queue retry finds it by ref and updates', async () => {
    const ctx = await withCachedUid(odooContext({ timeoutMs: 50 }));
    const values = recordedValues('50', 0);
    const created = loadFixture('50');
    expectRpc(lookup('res.partner', 'ref', 'HUB-CUST-0001'), resultResponse([]));
    // Odoo saves partner 45, but its answer arrives after the client gave up: exactly one create.
    expectRpc(created.request.body.params, created.response, 300);
    const [first] = await odooConnector.write(ctx, 'customers', [
      op({ canonicalId: 'cust-1', record: values }),
    ]);
    expect(first).toMatchObject({ ok: false, error: { kind: 'transient', code: 'timeout' } });

    expectRpc(lookup('res.partner', 'ref', 'HUB-CUST-0001'), resultResponse([{ id: 45 }]));
    expectRpc(executeKwParams('res.partner', 'write', [[45], values]), loadFixture('51').response);
    const retried = await odooConnector.write(ctx, 'customers', [
      op({ canonicalId: 'cust-1', record: values }),
    ]);
    expect(retried).toEqual([{ ok: true, idempotencyKey: 'key-cust-1', externalId: '45', created: false }]);
  });

  it('updates a known record by id with write', async () => {
    const ctx = await withCachedUid(odooContext());
    replay('51');
    const results = await odooConnector.write(ctx, 'customers', [
      op({ externalId: '45', record: recordedValues('51', 1) }),
    ]);
    expect(results).toEqual([{ ok: true, idempotencyKey: 'key-c1', externalId: '45', created: false }]);
  });

  it('fails one bad record alone and still creates the next one in the batch (lines become commands)', async () => {
    const ctx = await withCachedUid(odooContext());
    expectRpc(lookup('sale.order', 'client_order_ref', 'HUB-SO-NO-PARTNER'), resultResponse([]));
    replay('82');
    expectRpc(lookup('sale.order', 'client_order_ref', 'HUB-SO-TEST-1'), resultResponse([]));
    replay('57');
    const good = {
      partner_id: [45, '宁波恒达汽车零部件有限公司'],
      client_order_ref: 'HUB-SO-TEST-1',
      commitment_date: '2026-12-01 08:00:00',
      order_line: [{ product_id: 63, product_uom_qty: 3, price_unit: 99.5 }],
    };
    const results = await odooConnector.write(ctx, 'sales_orders', [
      op({ canonicalId: 'so-bad', record: { client_order_ref: 'HUB-SO-NO-PARTNER' } }),
      op({ canonicalId: 'so-good', record: good }),
    ]);
    expect(results[0]).toMatchObject({
      ok: false,
      idempotencyKey: 'key-so-bad',
      error: { kind: 'invalid_data', code: 'odoo_validation_error', fieldPath: 'partner_id' },
    });
    expect(results[1]).toEqual({ ok: true, idempotencyKey: 'key-so-good', externalId: '27', created: true });
  });

  it('creates a purchase order and a manufacturing order keyed by partner_ref and origin', async () => {
    const ctx = await withCachedUid(odooContext());
    expectRpc(lookup('purchase.order', 'partner_ref', 'HUB-PO-TEST-1'), resultResponse([]));
    replay('66');
    expectRpc(lookup('mrp.production', 'origin', 'HUB-MO-TEST-1'), resultResponse([]));
    replay('69');
    const purchase = await odooConnector.write(ctx, 'purchase_orders', [
      op({ record: recordedValues('66', 0) }),
    ]);
    const production = await odooConnector.write(ctx, 'work_orders', [
      op({ record: recordedValues('69', 0) }),
    ]);
    expect(purchase[0]).toMatchObject({ ok: true, externalId: '13', created: true });
    expect(production[0]).toMatchObject({ ok: true, externalId: '8', created: true });
  });

  it("writes a manufacturing order priority as Odoo's string selection value", async () => {
    const ctx = await withCachedUid(odooContext());
    replay('71');
    const results = await odooConnector.write(ctx, 'work_orders', [
      op({ externalId: '8', record: { priority: '1' } }),
    ]);
    expect(results[0]).toMatchObject({ ok: true, externalId: '8' });
  });

  it('sets on-hand stock in inventory mode and applies it (a reply without result is success)', async () => {
    const ctx = await withCachedUid(odooContext());
    replay('55');
    replay('56');
    const results = await odooConnector.write(ctx, 'stock_levels', [op({ record: recordedValues('55', 0) })]);
    expect(results).toEqual([{ ok: true, idempotencyKey: 'key-c1', externalId: '72', created: true }]);
  });

  it('reports a write to a deleted record as not_found and a refused delete as invalid_data', async () => {
    const ctx = await withCachedUid(odooContext());
    replay('83');
    replay('87');
    const [missing] = await odooConnector.write(ctx, 'customers', [
      op({ externalId: '999999', record: { phone: '+1 555 0000' } }),
    ]);
    const [refused] = await odooConnector.write(ctx, 'sales_orders', [
      op({ action: 'delete', externalId: '27', record: {} }),
    ]);
    expect(missing).toMatchObject({ ok: false, error: { kind: 'not_found', code: 'odoo_missing_record' } });
    expect(refused).toMatchObject({ ok: false, error: { kind: 'invalid_data', code: 'odoo_user_error' } });
    if (!refused.ok) expect(refused.error.message).toContain('You must first cancel it');
  });

  it('refuses writes to a read-only stream', async () => {
    const ctx = await withCachedUid(odooContext());
    await expect(odooConnector.write(ctx, 'shipments', [op({ record: {} })])).rejects.toMatchObject({
      code: 'stream_read_only',
    });
  });
});

describe('odoo writes meeting a refused login', () => {
  const customer = (n: number) =>
    op({ canonicalId: `cust-${n}`, record: { ...recordedValues('50', 0), ref: `HUB-CUST-000${n}` } });

  it('stops the batch at AccessDenied: the write done is kept, the rest carry no result', async () => {
    const ctx = await withCachedUid(odooContext());
    expectRpc(lookup('res.partner', 'ref', 'HUB-CUST-0001'), resultResponse([{ id: 45 }]));
    expectRpc(
      executeKwParams('res.partner', 'write', [[45], customer(1).record]),
      loadFixture('51').response,
    );
    expectRpc(lookup('res.partner', 'ref', 'HUB-CUST-0002'), loadFixture('86').response);
    const results = await odooConnector.write(ctx, 'customers', [customer(1), customer(2), customer(3)]);
    expect(results).toEqual([{ ok: true, idempotencyKey: 'key-cust-1', externalId: '45', created: false }]);
  });

  it('fails alone a record an AccessError (record rules) keeps from the user', async () => {
    const ctx = await withCachedUid(odooContext());
    expectRpc(lookup('res.partner', 'ref', 'HUB-CUST-0001'), loadFixture('85').response);
    expectRpc(lookup('res.partner', 'ref', 'HUB-CUST-0002'), resultResponse([{ id: 46 }]));
    expectRpc(
      executeKwParams('res.partner', 'write', [[46], customer(2).record]),
      loadFixture('51').response,
    );
    const results = await odooConnector.write(ctx, 'customers', [customer(1), customer(2)]);
    expect(results[0]).toMatchObject({ ok: false, error: { kind: 'auth', code: 'odoo_access_error' } });
    expect(results[1]).toMatchObject({ ok: true, externalId: '46' });
  });
});
