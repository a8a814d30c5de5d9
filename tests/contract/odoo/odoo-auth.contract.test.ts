import nock from 'nock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createOdooClient } from '../../../connectors/odoo/client.ts';
import { odooConnector } from '../../../connectors/odoo/index.ts';
import { odooStreams } from '../../../connectors/odoo/streams/index.ts';
import { HubError } from '../../../core/errors/index.ts';
import {
  executeKwParams,
  expectRpc,
  loadFixture,
  odooContext,
  replay,
  resultOf,
  resultResponse,
  withCachedUid,
} from './replay.ts';

const recordedFieldsGet: Record<string, string> = {
  'res.partner': '45',
  'product.product': '46',
  'sale.order': '47',
};
const attributes = ['string', 'type', 'required', 'readonly', 'relation', 'selection'];

/**
 * fields_get for every model the streams read: the recorded answers where there are recordings,
 * else one of the same shape listing the stream's fields; `uninstalled` models answer with the
 * recorded unknown-model fault (80), naming that model.
 */
function expectModelChecks(uninstalled: string[] = [], password = 'admin') {
  for (const model of new Set(odooStreams.map((stream) => stream.model))) {
    const params = executeKwParams(model, 'fields_get', [], { attributes }, password);
    if (uninstalled.includes(model)) {
      const fault = loadFixture('80').response;
      expectRpc(params, JSON.parse(JSON.stringify(fault).replaceAll('no.such.model', model)));
    } else if (recordedFieldsGet[model]) {
      expectRpc(params, loadFixture(recordedFieldsGet[model]).response);
    } else {
      const fields = odooStreams
        .filter((stream) => stream.model === model)
        .flatMap((stream) => stream.fields);
      const described = Object.fromEntries(
        fields.map((field) => [field, { string: field, type: 'char', required: false, readonly: false }]),
      );
      expectRpc(params, resultResponse(described));
    }
  }
}

beforeAll(() => nock.disableNetConnect());
afterEach(() => {
  const pending = nock.pendingMocks();
  nock.cleanAll();
  expect(pending).toEqual([]);
});

describe('odoo check and authentication', () => {
  it('reports the server version, a good login and every model the streams read, and caches the uid', async () => {
    replay('00');
    replay('01');
    expectModelChecks();
    const ctx = odooContext();
    const result = await odooConnector.check(ctx);
    expect(result.ok).toBe(true);
    expect(result.checks.slice(0, 3).map((check) => check.name)).toEqual([
      'server',
      'login',
      'model res.partner',
    ]);
    expect(result.checks.every((check) => check.ok)).toBe(true);
    expect(result.checks[0].message).toContain('Odoo 18.0');
    expect(await ctx.state.get('odoo.uid:demo:admin')).toBe(2);
  });

  it('reports a wrong password in plain words (authenticate answers false, not a fault)', async () => {
    replay('00');
    replay('02');
    const result = await odooConnector.check(odooContext({ apiKey: 'wrong-password' }));
    expect(result.ok).toBe(false);
    expect(result.checks[1]).toMatchObject({ name: 'login', ok: false });
    expect(result.checks[1].message).toMatch(/wrong user, password or API key/);
  });

  it('accepts an API key where the password goes', async () => {
    replay('00');
    replay('03');
    expectModelChecks([], '<api-key-of-the-local-demo-database>');
    const result = await odooConnector.check(odooContext({ apiKey: '<api-key-of-the-local-demo-database>' }));
    expect(result.ok).toBe(true);
  });

  it('names the streams an uninstalled app makes unusable', async () => {
    replay('00');
    replay('01');
    expectModelChecks(['mrp.workcenter', 'mrp.bom', 'mrp.production']);
    const result = await odooConnector.check(odooContext());
    expect(result.ok).toBe(false);
    const failed = result.checks.filter((check) => !check.ok).map((check) => check.message);
    expect(failed).toEqual([
      "work_centers cannot be used: mrp.workcenter.fields_get: Object mrp.workcenter doesn't exist",
      "routings cannot be used: mrp.bom.fields_get: Object mrp.bom doesn't exist",
      "work_orders cannot be used: mrp.production.fields_get: Object mrp.production doesn't exist",
    ]);
  });

  it('names an unknown database as a configuration problem', async () => {
    replay('00');
    replay('88');
    const result = await odooConnector.check(odooContext({ database: 'no_such_db' }));
    expect(result.ok).toBe(false);
    expect(result.checks[1].message).toContain('database "no_such_db" does not exist');
  });

  it('authenticates once and reuses the uid for every execute_kw', async () => {
    replay('01');
    replay('37');
    const count = loadFixture('37');
    const client = createOdooClient(odooContext());
    expect(await client.executeKw('res.partner', 'search_count', [[]])).toBe(resultOf(count));
    // A second call goes straight to execute_kw: no second authenticate is mocked.
    replay('37');
    expect(await client.executeKw('res.partner', 'search_count', [[]])).toBe(40);
  });

  it('turns AccessDenied on execute_kw into an auth error and forgets the cached uid', async () => {
    replay('86');
    const ctx = await withCachedUid(odooContext({ apiKey: 'wrong-password' }));
    const error = await createOdooClient(ctx)
      .executeKw('res.partner', 'search_count', [[]])
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(HubError);
    expect(error).toMatchObject({ kind: 'auth', code: 'odoo_access_denied' });
    expect(await ctx.state.get('odoo.uid:demo:admin')).toBeNull();
  });
});
