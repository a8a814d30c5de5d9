import { describe, expect, it } from 'vitest';
import { erpnextConnector } from '../../../connectors/erpnext/index.ts';
import type { WriteOp } from '../../../core/connector/index.ts';
import { enforceStrictNock } from '../../support/strict-nock.ts';
import { api, erpnextContext, fixture, listQuery } from './harness.ts';

enforceStrictNock();

const soPath = '/api/resource/Sales%20Order';
const loggedUserPath = '/api/method/frappe.auth.get_logged_user';
const amendmentOf = (name: string) =>
  listQuery({ fields: ['name', 'docstatus'], filters: [['amended_from', '=', name]], limit: 1 });

const op = (canonicalId: string, externalId: string, record: Record<string, unknown>): WriteOp => ({
  idempotencyKey: `key-${canonicalId}`,
  action: 'upsert',
  canonicalId,
  externalId,
  record,
});

type Doc = Record<string, unknown> & { name: string };
const draftAmendment = (fixture('sales-order-amended') as { data: Doc }).data;
const cancelledOrder = (fixture('sales-order-cancelled') as { data: Doc }).data;

/** A draft amendment a sales manager saved after pressing Amend on the cancelled order, to review it. */
const personsDraft = (name = 'SAL-ORD-2026-00001-1') => ({
  data: {
    ...draftAmendment,
    name,
    owner: 'sales.manager@example.com',
    modified_by: 'sales.manager@example.com',
  },
});

/** The cancelled order `original` and the draft amendment found behind it. */
function cancelledWithDraft(original: string, draft: { data: Doc }) {
  api()
    .get(`${soPath}/${original}`)
    .reply(200, { data: { ...cancelledOrder, name: original } });
  api()
    .get(soPath)
    .query(amendmentOf(original))
    .reply(200, { data: [{ name: draft.data.name, docstatus: 0 }] });
  api().get(`${soPath}/${draft.data.name}`).reply(200, draft);
}

describe("erpnext writes that meet a person's draft amendment", () => {
  it('leave it a draft, unwritten, when it already holds the record', async () => {
    cancelledWithDraft('SAL-ORD-2026-00001', personsDraft());
    api().get(loggedUserPath).reply(200, fixture('logged-user'));
    const sent: unknown[] = [];
    api()
      .put(`${soPath}/SAL-ORD-2026-00001-1`, (body: unknown) => Boolean(sent.push(body)))
      .optionally()
      .reply(200, fixture('sales-order-amended-submitted'));
    const [result] = await erpnextConnector.write(erpnextContext(), 'sales_orders', [
      op('c1', 'SAL-ORD-2026-00001', { delivery_date: '2026-12-05' }),
    ]);
    expect(sent).toEqual([]);
    expect(result).toEqual({
      ok: true,
      idempotencyKey: 'key-c1',
      externalId: 'SAL-ORD-2026-00001-1',
      created: false,
      replaces: 'SAL-ORD-2026-00001',
    });
  });

  it('update it without submitting it when it lacks a mapped field', async () => {
    cancelledWithDraft('SAL-ORD-2026-00001', personsDraft());
    api().get(loggedUserPath).reply(200, fixture('logged-user'));
    api().put(`${soPath}/SAL-ORD-2026-00001-1`, { delivery_date: '2026-12-06' }).reply(200, personsDraft());
    const [result] = await erpnextConnector.write(erpnextContext(), 'sales_orders', [
      op('c1', 'SAL-ORD-2026-00001', { delivery_date: '2026-12-06' }),
    ]);
    expect(result).toMatchObject({
      ok: true,
      externalId: 'SAL-ORD-2026-00001-1',
      replaces: 'SAL-ORD-2026-00001',
    });
  });

  it("ask once per batch who the hub's user is, and finish only the hub's own draft", async () => {
    cancelledWithDraft('SAL-ORD-2026-00001', { data: draftAmendment });
    cancelledWithDraft('SAL-ORD-2026-00007', personsDraft('SAL-ORD-2026-00007-1'));
    // One answer only: a second question would find no reply and fail its record.
    api().get(loggedUserPath).reply(200, fixture('logged-user'));
    api()
      .put(`${soPath}/SAL-ORD-2026-00001-1`, { docstatus: 1, delivery_date: '2026-12-06' })
      .reply(200, fixture('sales-order-amended-submitted'));
    api()
      .put(`${soPath}/SAL-ORD-2026-00007-1`, { delivery_date: '2026-12-06' })
      .reply(200, personsDraft('SAL-ORD-2026-00007-1'));
    const results = await erpnextConnector.write(erpnextContext(), 'sales_orders', [
      op('c1', 'SAL-ORD-2026-00001', { delivery_date: '2026-12-06' }),
      op('c7', 'SAL-ORD-2026-00007', { delivery_date: '2026-12-06' }),
    ]);
    expect(results).toEqual([
      expect.objectContaining({ ok: true, externalId: 'SAL-ORD-2026-00001-1' }),
      expect.objectContaining({ ok: true, externalId: 'SAL-ORD-2026-00007-1' }),
    ]);
  });

  it("fail the record, the draft untouched, when ERPNext names no user for the hub's key", async () => {
    cancelledWithDraft('SAL-ORD-2026-00001', { data: draftAmendment });
    api().get(loggedUserPath).reply(200, { message: null });
    const [result] = await erpnextConnector.write(erpnextContext(), 'sales_orders', [
      op('c1', 'SAL-ORD-2026-00001', { delivery_date: '2026-12-06' }),
    ]);
    expect(result).toMatchObject({
      ok: false,
      error: {
        kind: 'invalid_data',
        message: expect.stringContaining('frappe.auth.get_logged_user: message'),
      },
    });
  });

  it('report no replaced document when the write went to the document the hub knew', async () => {
    const draft = fixture('sales-order-draft');
    api().get(`${soPath}/SAL-ORD-2026-00002`).reply(200, draft);
    api().put(`${soPath}/SAL-ORD-2026-00002`, { delivery_date: '2026-12-05' }).reply(200, draft);
    const [result] = await erpnextConnector.write(erpnextContext(), 'sales_orders', [
      op('c2', 'SAL-ORD-2026-00002', { delivery_date: '2026-12-05' }),
    ]);
    expect(result).toStrictEqual({
      ok: true,
      idempotencyKey: 'key-c2',
      externalId: 'SAL-ORD-2026-00002',
      created: false,
    });
  });
});
