import nock from 'nock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createOdooClient } from '../../../connectors/odoo/client.ts';
import { odooConnector } from '../../../connectors/odoo/index.ts';
import { HubError } from '../../../core/errors/index.ts';
import { loadFixture, odooContext, replay, resultOf, withCachedUid } from './replay.ts';

beforeAll(() => nock.disableNetConnect());
afterEach(() => {
  const pending = nock.pendingMocks();
  nock.cleanAll();
  expect(pending).toEqual([]);
});

describe('odoo check and authentication', () => {
  it('reports the server version and a good login, and caches the uid', async () => {
    replay('00');
    replay('01');
    const ctx = odooContext();
    const result = await odooConnector.check(ctx);
    expect(result.ok).toBe(true);
    expect(result.checks.map((check) => check.name)).toEqual(['server', 'login']);
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
    const result = await odooConnector.check(odooContext({ apiKey: '<api-key-of-the-local-demo-database>' }));
    expect(result.ok).toBe(true);
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
